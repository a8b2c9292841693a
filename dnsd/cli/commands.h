// The dnsd subcommands. Each returns the process exit status.
#ifndef DNSD_CLI_COMMANDS_H_
#define DNSD_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace dnsd::cli {

struct ServeArgs {
  std::string config;
  std::vector<std::string> listen;  // overrides the server file's list
  int threads = -1;                 // -1: as the server file says
  std::string metrics;              // overrides metrics.listen ("" = as configured)
  // Turns the MTA-STS policy host on at this address, whatever the server
  // file says ("" = as configured).
  std::string mta_sts_listen;
  bool allow_root = false;          // keep running as root when no `user` is set
};

struct ExplainArgs {
  std::string config;
  std::string ip;      // the connecting client
  std::string helo;    // the HELO/EHLO name it gave
  std::string domain;  // the MAIL FROM domain being checked
  std::string sender;     // MAIL FROM; "" = postmaster@<domain>
  std::string published;  // the domain's apex SPF record; "" = what `dnsd records` advises
};

int Serve(const ServeArgs& args);
int Explain(const ExplainArgs& args);
int Check(const std::string& config, bool strict);
int Records(const std::string& config, const std::string& domain);
int AllowDrop(const std::string& config);
// Exit status as diff(1): 0 the same, 1 different, 2 an error.
int Diff(const std::string& old_config, const std::string& new_config);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_COMMANDS_H_
