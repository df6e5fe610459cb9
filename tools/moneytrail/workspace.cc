// `moneytrail workspace init DIR --agency NAME --admin USER`: creates a joint workspace
// (docs/workspace.md) with its first agency and administrator. The password comes from
// MONEYTRAIL_ADMIN_PASSWORD or the first line of standard input; it is never echoed, logged or
// journalled.
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "moneytrail/workspace.h"
#include "verb.h"

namespace {

struct Options {
  std::string dir;
  std::string agency;
  std::string contact;
  std::string admin;
};

// Reads one line from stdin without echo when it is a terminal.
std::string ReadPassword() {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios old{};
  if (tty) {
    std::fprintf(stderr, "password for the administrator (at least 12 characters): ");
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int RunInit(const Options& o) {
  using namespace moneytrail;
  workspace::InitOptions init;
  init.agency = o.agency;
  init.agency_contact = o.contact;
  init.admin = o.admin;
  const char* env = std::getenv("MONEYTRAIL_ADMIN_PASSWORD");
  init.password = env != nullptr ? std::string(env) : ReadPassword();
  Status st = workspace::Workspace::Init(o.dir, init);
  if (!st.ok()) return cli::ReportError("workspace init", st);
  fmt::print("workspace created in {}\n", o.dir);
  fmt::print("  agency {}, administrator {}\n", o.agency, o.admin);
  fmt::print("  journal signing key: {}/keys/journal.key (keep a copy of keys/journal.pub elsewhere)\n", o.dir);
  fmt::print("serve it with: moneytrail serve --workspace {} --listen 127.0.0.1:8443\n", o.dir);
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.require_subcommand(1);
  CLI::App* init = app.add_subcommand("init", "Create a workspace, its first agency and administrator");
  init->add_option("dir", o->dir, "Workspace directory (created)")->required();
  init->add_option("--agency", o->agency, "The first agency's name, e.g. IRS-CI")->required();
  init->add_option("--contact", o->contact, "Who other agencies call about a deconfliction hit");
  init->add_option("--admin", o->admin, "The administrator's user name")->required();
  run = [o] { return RunInit(*o); };
}

const moneytrail::cli::VerbRegistration kWorkspace(
    "workspace", "Create a joint task force workspace (init)", Setup);

}  // namespace
