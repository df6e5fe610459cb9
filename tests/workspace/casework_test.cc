// Case work in the workspace: evidence custody, jobs' states, derived markings, the alert queue
// (paging against a brute-force oracle, locks, versions, next, labels), requests for records and
// deconfliction.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/workspace.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::workspace {
namespace {

using Json = nlohmann::json;

class CaseworkTest : public testing::WorkspaceFixture {
 protected:
  // A joint case of irs.agent with hsi.agent (write, not cleared for 6103) as a member.
  int64_t JointCase(const std::string& number, Markings markings = {}) {
    auto c = ws_->CreateCase(irs_agent_, {number, "joint", std::move(markings)});
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kWrite, "joint").ok());
    return c->id;
  }

  // Takes queued jobs until `job_id`; others end failed.
  void ClaimUntil(int64_t job_id) {
    for (;;) {
      auto claimed = ws_->ClaimNextJob();
      ASSERT_TRUE(claimed.ok() && claimed->has_value());
      if ((*claimed)->job.id == job_id) return;
      ASSERT_TRUE(ws_->CompleteJob((*claimed)->job.id, {false, "not run", "", {}}).ok());
    }
  }

  // An investigation of the case that "wrote" `alerts` (alert lines as the scan writes them).
  Job Investigated(int64_t case_id, const std::vector<Json>& alerts) {
    auto job = ws_->CreateJob(irs_agent_, case_id, {kJobInvestigate, {}, "", {}});
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    ClaimUntil(job->id);
    std::filesystem::create_directories(ws_->CaseRunDir(case_id));
    std::ofstream out(ws_->CaseRunDir(case_id) / "alerts.jsonl");
    out << R"({"record":"scan"})" << "\n";
    for (const Json& a : alerts) out << a.dump() << "\n";
    out.close();
    EXPECT_TRUE(ws_->CompleteJob(job->id, {true, "", "{}", {}}).ok());
    return *ws_->JobState(job->id);
  }

  static Json AlertLine(int i, const std::string& rule = "ST-TEST") {
    return Json{{"record", "alert"}, {"alert_id", rule + "-" + std::to_string(i)}, {"rule_id", rule},
                {"severity", "high"}, {"subjects", {"010:A" + std::to_string(i % 7)}},
                {"window", {{"start", "2025-09-01T00:00:00Z"}, {"end", "2025-09-02T00:00:00Z"}}},
                {"sentence", "s"}, {"evidence", {{{"transaction_id", 100 + i}}, {{"transaction_id", 1000}}}}};
  }
};

TEST_F(CaseworkTest, EvidenceIsStoredOnceByItsHashReadOnlyAndVerified) {
  const int64_t a = JointCase("E-1");
  const int64_t b = JointCase("E-2");
  auto first = ws_->AddEvidence(irs_agent_, a, "stmt.csv", "text/csv", "date,amount\n2025-09-01,10.00\n", {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = ws_->AddEvidence(hsi_agent_, b, "copy.csv", "text/csv", "date,amount\n2025-09-01,10.00\n", {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->sha256, second->sha256);
  EXPECT_EQ(first->size, 29);
  EXPECT_EQ(first->uploaded_by, "irs.agent");
  EXPECT_EQ(first->verification, "ok");
  const auto path = ws_->EvidencePath(first->sha256);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0222, 0u) << "stored evidence must be read-only";
  // Someone changes the stored file behind the workspace's back: verification says so.
  ::chmod(path.c_str(), 0600);
  { std::ofstream(path) << "date,amount\n2025-09-01,99.00\n"; }
  auto verified = ws_->VerifyEvidence(irs_agent_, first->id);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->verification, "mismatch");
  std::filesystem::remove(path);
  EXPECT_EQ(ws_->VerifyEvidence(irs_agent_, first->id)->verification, "missing");
  auto listed = ws_->ListEvidence(irs_agent_, a);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).verification, "missing");
}

TEST_F(CaseworkTest, EvidenceRejectsPathsEmptyFilesOversizeAndReadOnlyMembers) {
  const int64_t a = JointCase("E-3");
  EXPECT_EQ(ws_->AddEvidence(irs_agent_, a, "../x.csv", "", "x", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->AddEvidence(irs_agent_, a, "d/x.csv", "", "x", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->AddEvidence(irs_agent_, a, "x.csv", "", "", {}).status().code(), StatusCode::kInvalidArgument);
  // The size limit, at a small setting (the default is 256 MiB).
  ws_.reset();
  WorkspaceOptions small;
  small.durable = false;
  small.password_cost = testing::FastCost();
  small.max_evidence_bytes = 8;
  ws_ = std::move(*Workspace::Open(dir_, small));
  EXPECT_EQ(ws_->AddEvidence(irs_agent_, a, "x.csv", "", "123456789", {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ws_->AddEvidence(irs_agent_, a, "x.csv", "", "12345678", {}).ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, a, irs_analyst_.user.id, CaseAccess::kRead, "").ok());
  EXPECT_EQ(ws_->AddEvidence(irs_analyst_, a, "x.csv", "", "x", {}).status().code(), StatusCode::kPermissionDenied);
  // Nobody applies a marking they do not hold.
  EXPECT_EQ(ws_->AddEvidence(hsi_agent_, a, "x.csv", "", "x", *ParseMarkings({"6103"})).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(CaseworkTest, A6103ItemAndEverythingDerivedFromItAreHiddenFromAnUnclearedMember) {
  const int64_t a = JointCase("E-4");
  auto plain = ws_->AddEvidence(irs_agent_, a, "bank.csv", "text/csv", "plain", {});
  auto tax = ws_->AddEvidence(irs_agent_, a, "return.csv", "text/csv", "tax", *ParseMarkings({"6103"}));
  ASSERT_TRUE(plain.ok() && tax.ok());
  // Before the 6103 item is ingested, the investigation's alerts are visible to both.
  Investigated(a, {AlertLine(1)});
  EXPECT_EQ(ws_->ListAlerts(hsi_agent_, a, {})->alerts.size(), 1u);
  auto ingest = ws_->CreateJob(irs_agent_, a, {kJobIngest, {tax->id}, "native", {}});
  ASSERT_TRUE(ingest.ok());
  EXPECT_EQ(ws_->GetJob(hsi_agent_, ingest->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ws_->CreateJob(hsi_agent_, a, {kJobIngest, {tax->id}, "native", {}}).status().code(),
            StatusCode::kNotFound);
  ClaimUntil(ingest->id);
  ASSERT_TRUE(ws_->CompleteJob(ingest->id, {true, "", "{}", {}}).ok());
  const Job run = Investigated(a, {AlertLine(1), AlertLine(2)});
  EXPECT_EQ(FormatMarkings(run.markings), "6103");
  // The store now holds 6103 data: every alert of the new run carries 6103 (the old one too,
  // since it was raised again).
  EXPECT_EQ(ws_->ListAlerts(irs_agent_, a, {})->alerts.size(), 2u);
  EXPECT_EQ(ws_->ListAlerts(hsi_agent_, a, {})->alerts.size(), 0u);
  EXPECT_EQ(ws_->GetEvidence(hsi_agent_, tax->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ws_->ListEvidence(hsi_agent_, a)->size(), 1u);
  EXPECT_EQ(ws_->GetJob(hsi_agent_, run.id).status().code(), StatusCode::kNotFound);
  auto next = ws_->NextAlert(hsi_agent_, a);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  EXPECT_EQ(*ws_->ExportLabels(hsi_agent_, a), "tx_id,label\n");
}

TEST_F(CaseworkTest, AJobFoundRunningAtStartupIsInterruptedAndCanBeRetried) {
  const int64_t a = JointCase("J-1");
  auto e = ws_->AddEvidence(irs_agent_, a, "s.csv", "text/csv", "x", {});
  auto job = ws_->CreateJob(irs_agent_, a, {kJobIngest, {e->id}, "native", {}});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(ws_->RetryJob(irs_agent_, job->id).status().code(), StatusCode::kFailedPrecondition);
  ClaimUntil(job->id);
  EXPECT_EQ(ws_->JobState(job->id)->state, "running");
  EXPECT_EQ(*ws_->InterruptRunningJobs(), 1);
  EXPECT_EQ(ws_->JobState(job->id)->state, "interrupted");
  EXPECT_EQ(ws_->CompleteJob(job->id, {true, "", "{}", {}}).code(), StatusCode::kFailedPrecondition);
  auto retry = ws_->RetryJob(irs_agent_, job->id);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(retry->state, "queued");
  EXPECT_EQ(retry->retry_of, job->id);
  EXPECT_EQ(retry->spec.evidence_ids, std::vector<int64_t>{e->id});
}

TEST_F(CaseworkTest, JobSpecsAreChecked) {
  const int64_t a = JointCase("J-2");
  const int64_t other = JointCase("J-3");
  auto e = ws_->AddEvidence(irs_agent_, other, "s.csv", "text/csv", "x", {});
  EXPECT_EQ(ws_->CreateJob(irs_agent_, a, {"delete", {}, "", {}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->CreateJob(irs_agent_, a, {kJobIngest, {}, "native", {}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->CreateJob(irs_agent_, a, {kJobIngest, {e->id}, "native", {}}).status().code(),
            StatusCode::kNotFound);  // evidence of another case
  auto mine = ws_->AddEvidence(irs_agent_, a, "s.csv", "text/csv", "y", {});
  EXPECT_EQ(ws_->CreateJob(irs_agent_, a, {kJobIngest, {mine->id}, "mapped", {"../../etc/passwd"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->CreateJob(irs_agent_, a, {kJobIngest, {mine->id}, "excel", {}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(CaseworkTest, AlertsEnterTheQueueOncePerIdentityAndKeepTheirDisposition) {
  const int64_t a = JointCase("Q-1");
  Investigated(a, {AlertLine(1), AlertLine(2)});
  auto page = ws_->ListAlerts(irs_agent_, a, {});
  ASSERT_EQ(page->alerts.size(), 2u);
  const Alert first = page->alerts[0];
  ASSERT_TRUE(ws_->SetDisposition(irs_agent_, first.id, "confirmed", first.version, "seen the wires").ok());
  // A re-run raises the same two and one new: three in the queue, the disposition kept.
  Investigated(a, {AlertLine(1), AlertLine(2), AlertLine(3)});
  page = ws_->ListAlerts(irs_agent_, a, {});
  ASSERT_EQ(page->alerts.size(), 3u);
  EXPECT_EQ(page->alerts[0].state, "confirmed");
  EXPECT_EQ(page->alerts[2].state, "open");
}

TEST_F(CaseworkTest, AQueuePagesPrepareSeesThePageBeforeItsReadIsJournalledAndNeverADeniedOne) {
  // The server renders a queue page while the read's journal entry is made durable (bench/
  // RESULTS-ws.md, session 15); the page it renders is the one ListAlerts returns after the
  // entry is durable, and a read that is refused renders nothing.
  const int64_t a = JointCase("Q-P");
  Investigated(a, {AlertLine(1), AlertLine(2), AlertLine(3)});
  auto reads = [&] {
    JournalQuery q;
    q.object = "case/" + std::to_string(a) + "/alerts";
    q.limit = 100000;
    auto entries = ws_->QueryJournal(auditor_, q);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? entries->size() : 0u;
  };
  const size_t before = reads();
  int calls = 0;
  std::vector<int64_t> prepared_ids;
  AlertQuery q;
  q.limit = 2;
  auto page = ws_->ListAlerts(irs_agent_, a, q, [&](const AlertPage& p) {
    ++calls;
    for (const Alert& x : p.alerts) prepared_ids.push_back(x.id);
    EXPECT_EQ(p.next_after_id, p.alerts.back().id);
  });
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(page->alerts.size(), 2u);
  EXPECT_EQ(prepared_ids, (std::vector<int64_t>{page->alerts[0].id, page->alerts[1].id}));
  EXPECT_EQ(reads(), before + 1);  // the read, journalled by the time ListAlerts returned
  // A user of another agency who is not a member: refused, nothing prepared, nothing journalled
  // as shown.
  const Actor outsider = MakeUser("outsider", irs_id_, Role::kAgent, {"LES"});
  calls = 0;
  EXPECT_FALSE(ws_->ListAlerts(outsider, a, q, [&](const AlertPage&) { ++calls; }).ok());
  EXPECT_EQ(calls, 0);
}

TEST_F(CaseworkTest, ChangesNeedANoteTheCurrentVersionAndNoOtherUsersLock) {
  const int64_t a = JointCase("Q-2");
  Investigated(a, {AlertLine(1)});
  const Alert alert = ws_->ListAlerts(irs_agent_, a, {})->alerts.at(0);
  EXPECT_EQ(ws_->SetDisposition(irs_agent_, alert.id, "cleared", alert.version, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ws_->SetDisposition(irs_agent_, alert.id, "dismissed", alert.version, "n").status().code(),
            StatusCode::kInvalidArgument);
  auto locked = ws_->LockAlert(irs_agent_, alert.id);
  ASSERT_TRUE(locked.ok());
  EXPECT_EQ(locked->locked_by, "irs.agent");
  EXPECT_EQ(ws_->LockAlert(hsi_agent_, alert.id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ws_->SetDisposition(hsi_agent_, alert.id, "cleared", alert.version, "n").status().code(),
            StatusCode::kFailedPrecondition);
  auto changed = ws_->SetDisposition(irs_agent_, alert.id, "in_review", alert.version, "looking");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->version, alert.version + 1);
  // The lock expires: the other user may take it, but not with the stale version.
  now_ += 16 * 60;
  EXPECT_EQ(ws_->SetDisposition(hsi_agent_, alert.id, "cleared", alert.version, "n").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ws_->SetDisposition(hsi_agent_, alert.id, "escalated", changed->version, "to the AUSA").ok());
  auto full = ws_->GetAlert(irs_agent_, alert.id);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->history.size(), 2u);
  EXPECT_EQ(full->history[1].username, "hsi.agent");
  EXPECT_EQ(full->history[1].note, "to the AUSA");
  EXPECT_EQ(full->state, "escalated");
  EXPECT_NE(full->record.find("ST-TEST-1"), std::string::npos);
}

TEST_F(CaseworkTest, NextTakesTheOldestOpenUnassignedUnsnoozedAlertAndLocksIt) {
  const int64_t a = JointCase("Q-3");
  Investigated(a, {AlertLine(1), AlertLine(2), AlertLine(3), AlertLine(4)});
  const auto alerts = ws_->ListAlerts(irs_agent_, a, {})->alerts;
  ASSERT_TRUE(ws_->SnoozeAlert(irs_agent_, alerts[0].id, "2030-01-01", alerts[0].version, "wait for bank").ok());
  ASSERT_TRUE(ws_->AssignAlert(irs_agent_, alerts[1].id, irs_agent_.user.id, alerts[1].version, "mine").ok());
  ASSERT_TRUE(ws_->SetDisposition(irs_agent_, alerts[2].id, "cleared", alerts[2].version, "payroll").ok());
  auto next = ws_->NextAlert(hsi_agent_, a);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->id, alerts[3].id);
  EXPECT_EQ((*next)->assignee, "hsi.agent");
  EXPECT_EQ((*next)->locked_by, "hsi.agent");
  EXPECT_FALSE(ws_->NextAlert(irs_agent_, a)->has_value());
  EXPECT_EQ(ws_->SnoozeAlert(irs_agent_, alerts[0].id, "2030-02-30", 2, "n").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(CaseworkTest, PagesOfTheQueueEqualABruteForceFilterOfIt) {
  const int64_t a = JointCase("Q-4");
  const unsigned seed = 20261206;
  std::mt19937 rng(seed);
  std::vector<Json> lines;
  const char* rules[] = {"ST-A", "ST-B", "ST-C"};
  for (int i = 1; i <= 150; ++i) lines.push_back(AlertLine(i, rules[rng() % 3]));
  Investigated(a, lines);
  auto all = ws_->ListAlerts(irs_agent_, a, {.limit = 1000});
  ASSERT_EQ(all->alerts.size(), 150u);
  // Random states, assignees and snoozes.
  for (const Alert& alert : all->alerts) {
    const int pick = static_cast<int>(rng() % 6);
    if (pick < 5) {
      ASSERT_TRUE(ws_->SetDisposition(irs_agent_, alert.id, kAlertStates[pick], alert.version, "n").ok());
    } else {
      ASSERT_TRUE(ws_->AssignAlert(irs_agent_, alert.id, hsi_agent_.user.id, alert.version, "n").ok());
    }
    if (rng() % 5 == 0) {
      const Alert now = ws_->GetAlert(irs_agent_, alert.id).value();
      ASSERT_TRUE(ws_->SnoozeAlert(irs_agent_, alert.id, "2030-01-01", now.version, "n").ok());
    }
  }
  all = ws_->ListAlerts(irs_agent_, a, {.limit = 1000});
  for (int round = 0; round < 30; ++round) {
    AlertQuery q;
    if (rng() % 2) q.state = kAlertStates[rng() % 5];
    if (rng() % 3 == 0) q.rule_id = rules[rng() % 3];
    if (rng() % 3 == 0) q.assignee = "hsi.agent";
    if (rng() % 4 == 0) q.unassigned = true;
    if (rng() % 3 == 0) q.subject = "010:A" + std::to_string(rng() % 7);
    q.include_snoozed = rng() % 2;
    q.limit = 1 + static_cast<int64_t>(rng() % 30);
    std::vector<int64_t> want;
    for (const Alert& x : all->alerts) {
      if (!q.state.empty() && x.state != q.state) continue;
      if (!q.rule_id.empty() && x.rule_id != q.rule_id) continue;
      if (q.unassigned && !x.assignee.empty()) continue;
      if (!q.unassigned && !q.assignee.empty() && x.assignee != q.assignee) continue;
      if (!q.subject.empty() && std::find(x.subjects.begin(), x.subjects.end(), q.subject) == x.subjects.end()) continue;
      if (!q.include_snoozed && !x.snoozed_until.empty()) continue;
      want.push_back(x.id);
    }
    std::vector<int64_t> got;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = ws_->ListAlerts(irs_agent_, a, q);
      ASSERT_TRUE(page.ok());
      ASSERT_LE(static_cast<int64_t>(page->alerts.size()), q.limit);
      for (const Alert& x : page->alerts) got.push_back(x.id);
      if (page->next_after_id == 0) break;
      q.after_id = page->next_after_id;
    }
    EXPECT_EQ(got, want) << "seed " << seed << " round " << round;
  }
  // 6103 data enters the store; the next run's new alerts are hidden from hsi.agent, whose
  // pages must still hold every alert it may see, and end where they end.
  auto tax = ws_->AddEvidence(irs_agent_, a, "t.csv", "text/csv", "t", *ParseMarkings({"6103"}));
  auto ingest = ws_->CreateJob(irs_agent_, a, {kJobIngest, {tax->id}, "native", {}});
  ClaimUntil(ingest->id);
  ASSERT_TRUE(ws_->CompleteJob(ingest->id, {true, "", "{}", {}}).ok());
  std::vector<Json> more;
  for (int i = 151; i <= 200; ++i) more.push_back(AlertLine(i, rules[rng() % 3]));
  Investigated(a, more);
  all = ws_->ListAlerts(irs_agent_, a, {.limit = 1000});
  ASSERT_EQ(all->alerts.size(), 200u);
  for (int limit : {1, 7, 50, 149, 150, 151}) {
    std::vector<int64_t> want, got;
    for (const Alert& x : all->alerts) {
      if (x.markings.empty()) want.push_back(x.id);
    }
    AlertQuery q;
    q.limit = limit;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = ws_->ListAlerts(hsi_agent_, a, q);
      ASSERT_TRUE(page.ok());
      for (const Alert& x : page->alerts) got.push_back(x.id);
      if (page->next_after_id == 0) break;
      EXPECT_EQ(static_cast<int64_t>(page->alerts.size()), limit) << "a page before the last is full";
      q.after_id = page->next_after_id;
    }
    EXPECT_EQ(got, want) << "limit " << limit;
  }
}

TEST_F(CaseworkTest, LabelsAreConfirmedOneClearedZeroConfirmedWinning) {
  const int64_t a = JointCase("Q-5");
  Investigated(a, {AlertLine(1), AlertLine(2), AlertLine(3)});
  const auto alerts = ws_->ListAlerts(irs_agent_, a, {})->alerts;
  ASSERT_TRUE(ws_->SetDisposition(irs_agent_, alerts[0].id, "confirmed", 1, "n").ok());
  ASSERT_TRUE(ws_->SetDisposition(irs_agent_, alerts[1].id, "cleared", 1, "n").ok());
  ASSERT_TRUE(ws_->SetDisposition(irs_agent_, alerts[2].id, "escalated", 1, "n").ok());
  // Transaction 1000 is evidence of every alert: confirmed wins over cleared.
  EXPECT_EQ(*ws_->ExportLabels(irs_agent_, a), "tx_id,label\n101,1\n102,0\n1000,1\n");
}

TEST_F(CaseworkTest, ARequestForRecordsSaysWhatArrivedAndWhatIsMissing) {
  const int64_t a = JointCase("R-1");
  NewRecordsRequest n;
  n.bank = "First Coast Bank";
  n.legal_process = "grand-jury subpoena 26-017";
  n.accounts = {"80020474750", "80063637648", "80104422216"};
  n.period_from = "2025-09-01";
  n.period_to = "2025-09-30";
  auto q = ws_->CreateRecordsRequest(irs_agent_, a, n);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->missing_accounts.size(), 3u);
  auto e = ws_->AddEvidence(irs_agent_, a, "fc.csv", "text/csv", "rows", {});
  auto tax = ws_->AddEvidence(irs_agent_, a, "fc-6103.csv", "text/csv", "rows6103", *ParseMarkings({"6103"}));
  EXPECT_EQ(ws_->AddRecordsReceipt(irs_agent_, q->id, e->id, {"99999"}, "", q->version).status().code(),
            StatusCode::kInvalidArgument);
  auto got = ws_->AddRecordsReceipt(irs_agent_, q->id, e->id, {"80020474750"}, "first production", q->version);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->missing_accounts, (std::vector<std::string>{"80063637648", "80104422216"}));
  EXPECT_EQ(ws_->AddRecordsReceipt(irs_agent_, q->id, tax->id, {"80063637648"}, "", q->version).status().code(),
            StatusCode::kFailedPrecondition);  // stale version
  got = ws_->AddRecordsReceipt(irs_agent_, q->id, tax->id, {"80063637648"}, "", got->version);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->missing_accounts, std::vector<std::string>{"80104422216"});
  // The member not cleared for 6103 sees neither that receipt nor what it covers.
  auto theirs = ws_->GetRecordsRequest(hsi_agent_, q->id);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->received.size(), 1u);
  EXPECT_EQ(theirs->missing_accounts.size(), 2u);
  n.period_to = "2025-08-01";
  EXPECT_EQ(ws_->CreateRecordsRequest(irs_agent_, a, n).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CaseworkTest, DeconflictionTellsBothSidesOnlyTheOtherAgencyAndContact) {
  auto mine = ws_->CreateCase(irs_agent_, {"D-1", "IRS case", {}});
  auto theirs = ws_->CreateCase(hsi_agent_, {"D-2", "HSI case", {}});
  ASSERT_TRUE(mine.ok() && theirs.ok());
  auto none = ws_->AddIdentifiers(irs_agent_, mine->id, {"8002-0474 750"}, {"SMITH, John"});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto hits = ws_->AddIdentifiers(hsi_agent_, theirs->id, {"80020474750", "111122223333"}, {"john smith"});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  // The account hits ("8002-0474 750" and "80020474750" normalise alike); "john smith" is not
  // "smith john".
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->at(0).kind, "account");
  hits = ws_->AddIdentifiers(hsi_agent_, theirs->id, {}, {"Smith John"});
  ASSERT_EQ(hits->size(), 1u);
  auto seen_by_hsi = ws_->ListDeconfliction(hsi_agent_, theirs->id);
  auto seen_by_irs = ws_->ListDeconfliction(irs_agent_, mine->id);
  ASSERT_EQ(seen_by_hsi->size(), 2u);
  ASSERT_EQ(seen_by_irs->size(), 2u);
  EXPECT_EQ(seen_by_hsi->at(0).agency, "IRS-CI");
  EXPECT_EQ(seen_by_hsi->at(0).contact, "IRS-CI duty desk 555-0100");
  EXPECT_EQ(seen_by_hsi->at(0).identifier, "80020474750");
  EXPECT_EQ(seen_by_irs->at(0).agency, "HSI");
  EXPECT_EQ(seen_by_irs->at(1).identifier, "smith john");
  // Entering them again raises nothing new; a member of neither case sees nothing.
  EXPECT_TRUE(ws_->AddIdentifiers(hsi_agent_, theirs->id, {"80020474750"}, {})->empty());
  EXPECT_EQ(ws_->ListDeconfliction(irs_analyst_, mine->id).status().code(), StatusCode::kNotFound);
  // A 6103 case's identifiers are never compared.
  auto tax = ws_->CreateCase(irs_agent_, {"D-3", "tax", *ParseMarkings({"6103"})});
  EXPECT_EQ(ws_->AddIdentifiers(irs_agent_, tax->id, {"80020474750"}, {}).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace moneytrail::workspace
