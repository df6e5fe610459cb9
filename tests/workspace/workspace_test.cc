#include <sodium.h>

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "moneytrail/workspace.h"
#include "workspace_fixture.h"

namespace moneytrail::workspace {
namespace {

using testing::WorkspaceFixture;

TEST_F(WorkspaceFixture, InitRefusesADirectoryThatHoldsAWorkspace) {
  InitOptions init{"X", "", "root", testing::kPassword, testing::FastCost()};
  EXPECT_EQ(Workspace::Init(dir_, init).code(), StatusCode::kAlreadyExists);
}

TEST_F(WorkspaceFixture, JournalKeyIsReadableOnlyByItsOwner) {
  const auto perms = std::filesystem::status(dir_ / "keys" / "journal.key").permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(WorkspaceFixture, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = ws_->Login("irs.agent", "not the password at all", "10.0.0.1");
  auto unknown = ws_->Login("nobody", "not the password at all", "10.0.0.2");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(WorkspaceFixture, RepeatedFailuresThrottleTheUserUntilTheWindowPasses) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ws_->Login("irs.agent", "wrong password!!", "10.0.0.1").status().code(),
              StatusCode::kUnauthenticated);
  }
  // Even the right password is refused while throttled.
  EXPECT_EQ(ws_->Login("irs.agent", testing::kPassword, "10.0.0.9").status().code(),
            StatusCode::kResourceExhausted);
  now_ += 16 * 60;
  EXPECT_TRUE(ws_->Login("irs.agent", testing::kPassword, "10.0.0.9").ok());
}

TEST_F(WorkspaceFixture, SessionsExpireAndLogoutRevokes) {
  auto s = ws_->Login("irs.agent", testing::kPassword, "127.0.0.1");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(ws_->Authenticate(s->token, "127.0.0.1").ok());
  EXPECT_TRUE(ws_->Logout(s->token, "127.0.0.1").ok());
  EXPECT_EQ(ws_->Authenticate(s->token, "127.0.0.1").status().code(), StatusCode::kUnauthenticated);
  auto t = ws_->Login("irs.agent", testing::kPassword, "127.0.0.1");
  ASSERT_TRUE(t.ok());
  now_ += 8 * 3600 + 1;
  EXPECT_EQ(ws_->Authenticate(t->token, "127.0.0.1").status().code(), StatusCode::kUnauthenticated);
}

TEST_F(WorkspaceFixture, DisablingAUserEndsTheirSessionsAndApiTokens) {
  auto token = ws_->CreateApiToken(hsi_agent_, "script");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(ws_->AuthenticateApiToken(*token, "127.0.0.1").ok());
  ASSERT_TRUE(ws_->SetUserDisabled(admin_, hsi_agent_.user.id, true).ok());
  EXPECT_FALSE(ws_->AuthenticateApiToken(*token, "127.0.0.1").ok());
  EXPECT_FALSE(ws_->Login("hsi.agent", testing::kPassword, "127.0.0.1").ok());
}

TEST_F(WorkspaceFixture, OnlyAdministratorsManageUsers) {
  NewUser nu{"x", "x", irs_id_, Role::kAgent, {}, testing::kPassword};
  EXPECT_EQ(ws_->CreateUser(irs_agent_, nu).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ws_->CreateAgency(auditor_, "DEA", "").status().code(), StatusCode::kPermissionDenied);
}

TEST_F(WorkspaceFixture, ACaseIsInvisibleToNonMembersExactlyAsAMissingCase) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-001", "Funnel accounts", *ParseMarkings({"LES"})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto other = ws_->GetCase(hsi_agent_, c->id);
  auto missing = ws_->GetCase(hsi_agent_, c->id + 100);
  EXPECT_EQ(other.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(ws_->ListCases(hsi_agent_)->empty());
  // Administrators manage accounts, not case content.
  EXPECT_EQ(ws_->GetCase(admin_, c->id).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kWrite, "").ok());
  EXPECT_TRUE(ws_->GetCase(hsi_agent_, c->id).ok());
  EXPECT_EQ(ws_->ListCases(hsi_agent_)->size(), 1u);
}

TEST_F(WorkspaceFixture, AMemberMustBeClearedForEveryMarkingOfTheCase) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-002", "Tax", *ParseMarkings({"6103"})});
  ASSERT_TRUE(c.ok());
  const Status st = ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kRead,
                                   "joint investigation");
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("6103"), std::string_view::npos);
  // A 6103 case needs a reason for every member added.
  EXPECT_EQ(ws_->AddMember(irs_agent_, c->id, irs_analyst_.user.id, CaseAccess::kRead, "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ws_->AddMember(irs_agent_, c->id, irs_analyst_.user.id, CaseAccess::kRead,
                             "personally engaged: schedules").ok());
  // A creator cannot mark a case with what they are not cleared for.
  EXPECT_EQ(ws_->CreateCase(hsi_agent_, {"2026-003", "x", *ParseMarkings({"6103"})}).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(WorkspaceFixture, MarkingACaseRefusesWhileAMemberIsNotClearedForIt) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-009", "Later marked", {}});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kRead, "").ok());
  auto u = ws_->UpdateCase(irs_agent_, c->id, c->version, {"2026-009", "Later marked", *ParseMarkings({"6103"})});
  EXPECT_EQ(u.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(u.status().message().find("hsi.agent"), std::string_view::npos);
  EXPECT_TRUE(ws_->GetCase(hsi_agent_, c->id).ok());
}

TEST_F(WorkspaceFixture, GrandJuryMembersAreRecordedAsDisclosures) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-GJ", "Grand jury", *ParseMarkings({"GJ-6E"})});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kRead,
                             "assisting AUSA under 6(e)(3)(A)(ii)").ok());
  auto list = ws_->GrandJuryDisclosures(auditor_, 0);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].username, "hsi.agent");
  EXPECT_EQ((*list)[0].agency, "HSI");
  EXPECT_EQ((*list)[0].disclosed_by, "irs.agent");
  EXPECT_EQ(ws_->GrandJuryDisclosures(irs_agent_, 0).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(WorkspaceFixture, AMarkedNoteIsHiddenFromMembersNotClearedForIt) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-004", "Joint", *ParseMarkings({"LES"})});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kWrite, "").ok());
  auto tax = ws_->AddNote(irs_agent_, c->id, "subject", "E12", "Form 1040 shows no such income",
                          *ParseMarkings({"6103"}));
  ASSERT_TRUE(tax.ok()) << tax.status().ToString();
  auto plain = ws_->AddNote(hsi_agent_, c->id, "alert", "A7", "Seen at the border crossing", {});
  ASSERT_TRUE(plain.ok());
  auto hsi_notes = ws_->ListNotes(hsi_agent_, c->id);
  ASSERT_TRUE(hsi_notes.ok());
  ASSERT_EQ(hsi_notes->size(), 1u);
  EXPECT_EQ((*hsi_notes)[0].id, plain->id);
  EXPECT_EQ(ws_->GetNote(hsi_agent_, tax->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ws_->ListNotes(irs_agent_, c->id)->size(), 2u);
  // Nobody can mark a note with what they are not cleared for.
  EXPECT_EQ(ws_->AddNote(hsi_agent_, c->id, "case", "", "x", *ParseMarkings({"6103"})).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(WorkspaceFixture, ConcurrentEditsGiveAConflictNotALostUpdate) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-005", "Edits", {}});
  ASSERT_TRUE(c.ok());
  auto n = ws_->AddNote(irs_agent_, c->id, "case", "", "first", {});
  ASSERT_TRUE(n.ok());
  auto a = ws_->UpdateNote(irs_agent_, n->id, n->version, "second");
  ASSERT_TRUE(a.ok());
  auto b = ws_->UpdateNote(irs_agent_, n->id, n->version, "third");
  EXPECT_EQ(b.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ws_->GetNote(irs_agent_, n->id)->text, "second");
  auto u = ws_->UpdateCase(irs_agent_, c->id, c->version + 7, {"2026-005", "New title", {}});
  EXPECT_EQ(u.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(WorkspaceFixture, ReadOnlyMembersCannotWrite) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-006", "Read only", {}});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kRead, "").ok());
  EXPECT_EQ(ws_->AddNote(hsi_agent_, c->id, "case", "", "x", {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ws_->AddMember(hsi_agent_, c->id, irs_analyst_.user.id, CaseAccess::kRead, "").code(),
            StatusCode::kPermissionDenied);
}

TEST_F(WorkspaceFixture, EveryReadAndWriteIsJournalled) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-007", "Journal", {}});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ws_->GetCase(irs_agent_, c->id).ok());
  JournalQuery q;
  q.object = "case/" + std::to_string(c->id);
  auto entries = ws_->QueryJournal(auditor_, q);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].action, "create");
  EXPECT_EQ((*entries)[1].action, "read");
  EXPECT_EQ((*entries)[1].username, "irs.agent");
  EXPECT_EQ(ws_->QueryJournal(irs_agent_, q).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(WorkspaceFixture, ANoteChangeIsOneJournalEntryHoldingTheNoteBeforeAndAfter) {
  auto c = ws_->CreateCase(irs_agent_, {"2026-009", "Journal of a change", {}});
  ASSERT_TRUE(c.ok());
  auto n = ws_->AddNote(irs_agent_, c->id, "case", "", "first text", {});
  ASSERT_TRUE(n.ok());
  ASSERT_TRUE(ws_->GetNote(irs_agent_, n->id).ok());
  ASSERT_TRUE(ws_->UpdateNote(irs_agent_, n->id, n->version, "second text").ok());
  // A stale version: refused, and nothing of it in the journal.
  EXPECT_EQ(ws_->UpdateNote(irs_agent_, n->id, n->version, "third text").status().code(),
            StatusCode::kFailedPrecondition);
  JournalQuery q;
  q.object = "note/" + std::to_string(n->id);
  auto entries = ws_->QueryJournal(auditor_, q);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].action, "create");
  EXPECT_EQ((*entries)[1].action, "read");
  EXPECT_EQ((*entries)[2].action, "update");
  EXPECT_NE((*entries)[2].before.find("first text"), std::string::npos) << (*entries)[2].before;
  EXPECT_NE((*entries)[2].after.find("second text"), std::string::npos) << (*entries)[2].after;
  EXPECT_EQ((*entries)[2].username, "irs.agent");
}

TEST_F(WorkspaceFixture, TextFieldsRejectInvalidUtf8AndOversizedValues) {
  EXPECT_EQ(ws_->CreateCase(irs_agent_, {"2026-008", "M\xC9XICO", {}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->CreateCase(irs_agent_, {"2026-008", std::string(5000, 'x'), {}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseMarkings({"TOP-SECRET"}).ok());
}

}  // namespace
}  // namespace moneytrail::workspace
