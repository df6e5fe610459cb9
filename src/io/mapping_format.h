// Internal: the [format] table that every mapping shares (transactions, statements, parties),
// read by one function so that the same keys mean the same thing everywhere.
#ifndef MONEYTRAIL_SRC_IO_MAPPING_FORMAT_H_
#define MONEYTRAIL_SRC_IO_MAPPING_FORMAT_H_

#include <toml++/toml.h>

#include <string>

#include "moneytrail/status.h"
#include "row_spec.h"

namespace moneytrail::io_internal {

// Reads a mapping's [format] table (`format` may be null: every default) into `spec`'s reader
// settings (dialect, header, encoding, header_pattern, skip_patterns, timestamp_format, ...); an
// unknown key is an error naming it and the nearest valid one. `where` names the mapping.
Status ReadFormat(const std::string& where, const toml::table* format, RowSpec& spec);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_MAPPING_FORMAT_H_
