// The workspace database's schema and its migrations. Portable SQL only (see sql.h).
#ifndef MONEYTRAIL_WORKSPACE_SCHEMA_H_
#define MONEYTRAIL_WORKSPACE_SCHEMA_H_

#include "moneytrail/status.h"
#include "workspace/sql.h"

namespace moneytrail::workspace {

// The schema version this build writes and reads.
inline constexpr int kSchemaVersion = 2;

// Brings `db` to kSchemaVersion, applying each missing migration in its own transaction.
// FailedPrecondition when the database is newer than this build.
Status MigrateSchema(SqlDatabase& db);

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_WORKSPACE_SCHEMA_H_
