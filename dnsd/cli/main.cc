// dnsd: an authoritative DNS server for SPF, DMARC and DKIM hosting.
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "dnsd/cli/commands.h"
#include "dnsd/cli/version.h"

namespace po = boost::program_options;

namespace {

constexpr char kUsage[] = R"(usage: dnsd COMMAND [OPTIONS]

Commands:
  serve   -c FILE [--listen ADDR:PORT ...] [--threads N] [--metrics ADDR:PORT]
          [--mta-sts-listen ADDR:PORT] [--allow-root]
          Serve the configuration until SIGTERM or SIGINT. Started as root,
          dnsd becomes the server file's `user` once its ports are bound;
          without one it refuses to run unless --allow-root is given.
  check   -c FILE [--strict]
          Validate the configuration; print every error and warning as
          file:line:column. Exit status 1 on an error, and with --strict on
          a warning too.
  records -c FILE DOMAIN
          Print what DOMAIN must publish and what dnsd serves for it.
  allow-drop -c FILE
          Let the next reload publish the domains as the files are now,
          although that drops more of the served domains than the server
          file's guard allows (or leaves none at all).
  diff    OLD NEW
          Print, domain by domain, the records publishing the server file
          NEW after OLD would remove (-) and add (+), each side's
          configuration digest, and whether the drop guard would refuse
          NEW. Exit status 0: no difference, 1: differences, 2: an error.
  explain -c FILE --ip IP --helo NAME --domain DOMAIN
          [--sender ADDRESS] [--published 'v=spf1 ...']
          Print the SPF query a receiver sends for this client, dnsd's
          answer, the rule that produced it, and the receiver's verdict on
          the domain's published record (by default the one `records`
          advises), evaluated through dnsd's own answers.

Options:
  -h, --help      this text
  --version       the version

Listen addresses are IPv4 "127.0.0.1:5300" or IPv6 "[::1]:5300".
)";

int Usage(std::ostream& out, int status) {
  out << kUsage;
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options;
  options.add_options()
      ("help,h", "")
      ("version", "")
      ("config,c", po::value<std::string>(), "")
      ("listen", po::value<std::vector<std::string>>()->composing(), "")
      ("threads", po::value<int>(), "")
      ("metrics", po::value<std::string>(), "")
      ("mta-sts-listen", po::value<std::string>(), "")
      ("allow-root", "")
      ("strict", "")
      ("ip", po::value<std::string>(), "")
      ("helo", po::value<std::string>(), "")
      ("domain", po::value<std::string>(), "")
      ("sender", po::value<std::string>(), "")
      ("published", po::value<std::string>(), "")
      ("command", po::value<std::string>(), "")
      ("args", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "dnsd: " << e.what() << "\n";
    return Usage(std::cerr, 2);
  }
  if (vm.count("help")) return Usage(std::cout, 0);
  if (vm.count("version")) {
    std::cout << "dnsd " << dnsd::cli::kVersion << "\n";
    return 0;
  }
  if (!vm.count("command")) return Usage(std::cerr, 2);
  std::string command = vm["command"].as<std::string>();
  std::vector<std::string> args;
  if (vm.count("args")) args = vm["args"].as<std::vector<std::string>>();
  if (command == "diff") {
    if (args.size() != 2 || vm.count("config")) {
      std::cerr << "dnsd diff: two server files, OLD and NEW, are required\n";
      return 2;
    }
    return dnsd::cli::Diff(args[0], args[1]);
  }
  if (!vm.count("config")) {
    std::cerr << "dnsd " << command << ": -c FILE is required\n";
    return 2;
  }
  std::string config = vm["config"].as<std::string>();

  if (command == "serve" && args.empty()) {
    dnsd::cli::ServeArgs serve{config};
    if (vm.count("listen")) serve.listen = vm["listen"].as<std::vector<std::string>>();
    if (vm.count("threads")) serve.threads = vm["threads"].as<int>();
    if (vm.count("metrics")) serve.metrics = vm["metrics"].as<std::string>();
    if (vm.count("mta-sts-listen")) serve.mta_sts_listen = vm["mta-sts-listen"].as<std::string>();
    serve.allow_root = vm.count("allow-root") > 0;
    return dnsd::cli::Serve(serve);
  }
  if (command == "check" && args.empty()) {
    return dnsd::cli::Check(config, vm.count("strict") > 0);
  }
  if (command == "allow-drop" && args.empty()) return dnsd::cli::AllowDrop(config);
  if (command == "records" && args.size() == 1) return dnsd::cli::Records(config, args[0]);
  if (command == "explain" && args.empty()) {
    if (!vm.count("ip") || !vm.count("helo") || !vm.count("domain")) {
      std::cerr << "dnsd explain: --ip, --helo and --domain are required\n";
      return 2;
    }
    dnsd::cli::ExplainArgs explain{config, vm["ip"].as<std::string>(),
                                   vm["helo"].as<std::string>(), vm["domain"].as<std::string>()};
    if (vm.count("sender")) explain.sender = vm["sender"].as<std::string>();
    if (vm.count("published")) explain.published = vm["published"].as<std::string>();
    return dnsd::cli::Explain(explain);
  }
  std::cerr << "dnsd: unknown command or wrong arguments: " << command << "\n";
  return Usage(std::cerr, 2);
}
