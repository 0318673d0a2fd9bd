// Trust at the edges: the command never destroys an input, writes an output whole or not at all,
// writes into a diagnosis folder only what the run creates, and escapes control characters from
// the input before they reach a terminal or a line-based file.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "smedx/diagnostics.h"
#include "smedx/text.h"

namespace fs = std::filesystem;

TEST_SUITE("text escape") {
  TEST_CASE("text escape.control characters become visible, Chinese stays") {
    using smedx::escape_control;
    CHECK(escape_control("a\x1b[31mb\tc\nd\re\x7f") == "a\\x1b[31mb\\tc\\nd\\re\\x7f");
    CHECK(escape_control("华信\\") == "华信\\");
    CHECK(escape_control("x\xc2\x9b"
                         "2J") == "x\\u009b2J");  // C1 CSI
    CHECK(escape_control("ab\xe2\x80\xae"
                         "cd") == "ab\\u202ecd");  // right-to-left override
    CHECK(escape_control("\xff"
                         "ok") == "\\xffok");  // not UTF-8
    CHECK(escape_control("a\tb", true) == "a\tb");
    CHECK(smedx::escape_tsv_field("a\\t\tb") == "a\\\\t\\tb");
  }

  TEST_CASE("text escape.a message shows an id's control characters escaped") {
    const smedx::Issue issue{smedx::Severity::error, "unknown item 'a\x1b[2Jb'", "answers.a\nb",
                             smedx::Location{"in\x1b.jsonl", 3, 5}, "x\x1by\tz"};
    CHECK(issue.to_string() ==
          "error: in\\x1b.jsonl:3:5: unknown item 'a\\x1b[2Jb'\n"
          "  at answers.a\\nb\n"
          "    3 | x\\x1by\tz\n"
          "      |       \t^\n");
  }
}

#ifdef SMEDX_CLI
namespace {

const std::string rules = SMEDX_SOURCE_DIR "/indicators/miit-2024";
const std::string cohort = SMEDX_SOURCE_DIR "/examples/surveys/cohort.jsonl";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The first `n` records of the example cohort.
std::string first_records(int n) {
  std::istringstream in(read(cohort));
  std::string out, line;
  for (int k = 0; k < n && std::getline(in, line); ++k) out += line + '\n';
  return out;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// A scratch folder: `work` is where the command runs, its stdout and stderr go beside it.
struct Scratch {
  fs::path base, work;
  explicit Scratch(const std::string& name)
      : base(fs::temp_directory_path() / ("smedx-cli-" + name + "-" + std::to_string(::getpid()))),
        work(base / "work") {
    fs::remove_all(base);
    fs::create_directories(work);
  }
  ~Scratch() { fs::remove_all(base); }

  struct Result {
    int code;
    std::string out, err;
  };
  // Runs `smedx <args>` in `work` under bash, after `before` (ulimit, trap); stdout goes to
  // `stdout_to` unless the arguments redirect it.
  Result run(const std::string& args, const std::string& before = "",
             const std::string& stdout_to = "../stdout") const {
    write(base / "run.sh", "cd '" + work.string() + "' || exit 99\n" + before + "\nexec '" +
                               SMEDX_CLI + "' " + args + " >" + stdout_to + " 2>../stderr\n");
    const int status =
        std::system(("bash '" + (base / "run.sh").string() + "' 2>/dev/null").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(base / "stdout"),
            read(base / "stderr")};
  }
};

}  // namespace

TEST_SUITE("cli output") {
  TEST_CASE("cli output.an output that is an input is refused and the input kept, via any link") {
    const Scratch s("same-file");
    const std::string original = read(cohort);
    write(s.work / "in.jsonl", original);
    fs::create_symlink("in.jsonl", s.work / "link.jsonl");
    fs::create_hard_link(s.work / "in.jsonl", s.work / "hard.jsonl");
    const std::string score = "score --rules '" + rules + "' ";
    struct Case {
      std::string args, err;
    };
    const std::string tail = "; write to another file\n";
    for (const Case& c : {
             Case{"in.jsonl -o in.jsonl",
                  "error: in.jsonl: the output is the same file as the input in.jsonl" + tail},
             Case{"in.jsonl -o link.jsonl",
                  "error: link.jsonl: the output is the same file as the input in.jsonl" + tail},
             Case{"in.jsonl -o hard.jsonl",
                  "error: hard.jsonl: the output is the same file as the input in.jsonl" + tail},
             Case{"in.jsonl -o ./in.jsonl",
                  "error: ./in.jsonl: the output is the same file as the input in.jsonl" + tail},
             Case{"link.jsonl -o in.jsonl",
                  "error: in.jsonl: the output is the same file as the input link.jsonl" + tail},
             Case{"-o in.jsonl <in.jsonl",
                  "error: in.jsonl: the output is the same file as the input <stdin>" + tail},
         }) {
      CAPTURE(c.args);
      const auto r = s.run(score + c.args);
      CHECK(r.code == 2);
      CHECK(r.err == c.err);
      CHECK(read(s.work / "in.jsonl") == original);
    }
    // stdout appended to the input would read the records it writes.
    const auto r = s.run(score + "in.jsonl", "", ">in.jsonl");
    CHECK(r.code == 2);
    CHECK(r.err == "error: stdout is the same file as the input in.jsonl" + tail);
    CHECK(read(s.work / "in.jsonl") == original);
    CHECK(listing(s.work) == std::set<std::string>{"in.jsonl", "link.jsonl", "hard.jsonl"});
  }

  TEST_CASE("cli output.a failed write leaves the earlier file and no partial or temporary file") {
    const Scratch s("atomic");
    write(s.work / "in.jsonl", read(cohort));
    const std::string score = "score --rules '" + rules + "' in.jsonl ";

    auto r = s.run(score + "-o /dev/full");
    CHECK(r.code == 2);
    CHECK(r.err == "error: /dev/full: cannot write: no space left on device\n");

    // A disk that fills up: writes past 4 KiB fail (the signal ignored, the write errors).
    write(s.work / "out.jsonl", "old\n");
    r = s.run(score + "-o out.jsonl", "trap '' XFSZ; ulimit -f 4");
    CHECK(r.code == 2);
    CHECK(r.err == "error: out.jsonl: cannot write: file too large\n");
    CHECK(read(s.work / "out.jsonl") == "old\n");
    CHECK(listing(s.work) == std::set<std::string>{"in.jsonl", "out.jsonl"});

    // The same limit without the shell ignoring SIGXFSZ: smedx ignores it itself, so the run
    // is not killed midway but fails whole, with the reason and no temporary file left.
    r = s.run(score + "-o out.jsonl", "ulimit -f 4");
    CHECK(r.code == 2);
    CHECK(r.err == "error: out.jsonl: cannot write: file too large\n");
    CHECK(read(s.work / "out.jsonl") == "old\n");
    CHECK(listing(s.work) == std::set<std::string>{"in.jsonl", "out.jsonl"});

    r = s.run(score + "-o out.jsonl");
    CHECK(r.code == 0);
    CHECK(r.err == "12 records in, 12 records out, 0 with errors\n");
    CHECK(read(s.work / "out.jsonl").starts_with("{\"enterprise_id\":\"CN-2025-001\""));
  }

  TEST_CASE("cli output.score counts records in and out on stderr, stdout stays data") {
    const Scratch s("counts");
    const auto r = s.run("score --rules '" + rules + "' '" + SMEDX_SOURCE_DIR +
                         "/tests/data/mixed.jsonl' --format csv");
    CHECK(r.code == 1);
    CHECK(r.err == "5 records in, 5 records out, 3 with errors\n");
    CHECK(r.out.starts_with("enterprise_id,"));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 6);
  }

  TEST_CASE("cli output.diagnose refuses a folder it did not write unless --force") {
    const Scratch s("foreign");
    write(s.work / "three.jsonl", first_records(3));
    fs::create_directories(s.work / "d");
    fs::create_directories(s.work / "outside");
    write(s.work / "d" / "notes.txt", "mine\n");
    write(s.work / "outside" / "target", "secret\n");
    fs::create_symlink("../outside/target", s.work / "d" / "CN-2025-001.json");
    const std::string diagnose = "diagnose --rules '" + rules + "' three.jsonl -o d";

    auto r = s.run(diagnose);
    CHECK(r.code == 2);
    CHECK(r.err ==
          "error: d: the folder holds files smedx did not write (CN-2025-001.json, notes.txt); "
          "give a new or empty folder, or --force to write beside them\n");
    CHECK(listing(s.work / "d") == std::set<std::string>{"CN-2025-001.json", "notes.txt"});

    r = s.run(diagnose + " --force");
    CHECK(r.code == 0);
    CHECK(r.out ==
          "3 records in, 3 records out: 3 enterprises diagnosed (0 with survey errors), 3 "
          "already at their target; enterprise files, index.tsv, cohort.json and cohort.html "
          "in d\n");
    CHECK(read(s.work / "outside" / "target") == "secret\n");  // the link was not followed
    CHECK(fs::is_regular_file(fs::symlink_status(s.work / "d" / "CN-2025-001.json")));
    CHECK(read(s.work / "d" / "notes.txt") == "mine\n");

    // An input inside the folder, named like a file the run writes, is never replaced.
    write(s.work / "d" / "cohort.json",
          read(SMEDX_SOURCE_DIR "/examples/surveys/chem-03-runze.json"));
    const std::string before = read(s.work / "d" / "cohort.json");
    r = s.run("diagnose --rules '" + rules + "' d/cohort.json -o d --force");
    CHECK(r.code == 2);
    CHECK(r.err ==
          "error: d/cohort.json: the output is the same file as the input d/cohort.json; write "
          "to another folder\n");
    CHECK(read(s.work / "d" / "cohort.json") == before);
  }

  TEST_CASE("cli output.pilot refuses a diagnosis folder, and with --force keeps its files") {
    const Scratch s("commands");
    write(s.work / "three.jsonl", first_records(3));
    auto r = s.run("diagnose --rules '" + rules + "' three.jsonl -o d");
    REQUIRE(r.code == 0);
    const auto diagnosed = listing(s.work / "d");
    const std::string ex = SMEDX_SOURCE_DIR "/examples/pilot/";
    const std::string pilot = "pilot --programme " SMEDX_SOURCE_DIR
                              "/programmes/dongying-2026 --providers " +
                              ex + "providers.csv --register " + ex + "register.csv --surveys " +
                              ex + "baseline.jsonl " + ex + "acceptance.jsonl -o d";
    r = s.run(pilot);
    CHECK(r.code == 2);
    CHECK(r.err ==
          "error: d: the folder holds the files of smedx diagnose; give another folder, or "
          "--force to write beside them\n");
    CHECK(listing(s.work / "d") == diagnosed);
    r = s.run(pilot + " --force");
    CHECK(r.code == 0);
    const auto both = listing(s.work / "d");
    for (const auto& f : diagnosed)
      if (f != ".smedx-manifest") CHECK(both.contains(f));  // not removed as stale
    CHECK(both.contains("dashboard.html"));
  }

  TEST_CASE("cli output.a new diagnosis replaces the earlier one, stale files go") {
    const Scratch s("rerun");
    write(s.work / "all.jsonl", read(cohort));
    write(s.work / "three.jsonl", first_records(3));
    auto r = s.run("diagnose --rules '" + rules + "' all.jsonl -o d");
    CHECK(r.code == 0);
    CHECK(listing(s.work / "d").size() == 12 * 2 + 4);
    r = s.run("diagnose --rules '" + rules + "' three.jsonl -o d");
    CHECK(r.code == 0);
    const std::set<std::string> three = {".smedx-manifest",  "CN-2025-001.html", "CN-2025-001.json",
                                         "CN-2025-002.html", "CN-2025-002.json", "CN-2025-003.html",
                                         "CN-2025-003.json", "cohort.html",      "cohort.json",
                                         "index.tsv"};
    CHECK(listing(s.work / "d") == three);

    // Failing midway (a file over the size limit) leaves the earlier folder as it was.
    const std::string cohort_html = read(s.work / "d" / "cohort.html");
    r = s.run("diagnose --rules '" + rules + "' all.jsonl -o d", "trap '' XFSZ; ulimit -f 2");
    CHECK(r.code == 2);
    CHECK(r.err == "error: d/CN-2025-001.json: cannot write: file too large\n");
    CHECK(listing(s.work / "d") == three);
    CHECK(read(s.work / "d" / "cohort.html") == cohort_html);

    // A run that cannot finish leaves no new folder behind.
    write(s.work / "empty.jsonl", "");
    r = s.run("diagnose --rules '" + rules + "' empty.jsonl -o new");
    CHECK(r.code == 1);
    CHECK_FALSE(fs::exists(s.work / "new"));
  }

  TEST_CASE("cli output.diagnose workers write the files under the names of input order") {
    // 30 copies of the cohort: two blocks of 256, each split between two workers, and every id
    // repeated: the n-th CN-2025-001 is CN-2025-001-n whatever thread wrote it.
    const Scratch s("workers");
    std::string many;
    for (int k = 0; k < 30; ++k) many += read(cohort);
    write(s.work / "many.jsonl", many);
    auto r = s.run("diagnose --rules '" + rules + "' many.jsonl -o two --threads 2");
    CHECK(r.code == 0);
    r = s.run("diagnose --rules '" + rules + "' many.jsonl -o one --threads 1");
    CHECK(r.code == 0);
    CHECK(listing(s.work / "two").size() == 360 * 2 + 4);
    CHECK(listing(s.work / "two") == listing(s.work / "one"));
    const std::string index = read(s.work / "two" / "index.tsv");
    CHECK(index == read(s.work / "one" / "index.tsv"));
    CHECK(index.starts_with("enterprise_id\tfile\nCN-2025-001\tCN-2025-001\n"));
    CHECK(index.find("\nCN-2025-001\tCN-2025-001-2\n") == index.find("\nCN-2025-001\t", 30));
    CHECK(index.ends_with("\nEP-2025-006\tEP-2025-006-30\n"));
    for (const auto& name : listing(s.work / "two"))
      CHECK(read(s.work / "two" / name) == read(s.work / "one" / name));

    // A write failing on a worker fails the run with the first file that failed, as on one
    // thread, and leaves no folder behind.
    r = s.run("diagnose --rules '" + rules + "' many.jsonl -o full --threads 2",
              "trap '' XFSZ; ulimit -f 2");
    CHECK(r.code == 2);
    CHECK(r.err == "error: full/CN-2025-001.json: cannot write: file too large\n");
    CHECK_FALSE(fs::exists(s.work / "full"));
  }

  TEST_CASE("cli output.control characters in an id are escaped in the table and index.tsv") {
    const Scratch s("escape");
    std::string record = first_records(1);
    record.replace(record.find("CN-2025-001"), 11, "X\\u001b[31mY\\tZ\\nW");
    write(s.work / "esc.jsonl", record);
    auto r = s.run("score --rules '" + rules + "' esc.jsonl --format table");
    CHECK(r.code == 0);
    const std::string row = r.out.substr(r.out.find('\n') + 1);
    CHECK(row.starts_with("X\\x1b[31mY\\tZ\\nW     4    91.85"));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
    CHECK(r.out.find('\x1b') == std::string::npos);

    // A key in a rule set, read from a YAML escape: the message shows it escaped.
    std::string yaml = read(SMEDX_SOURCE_DIR "/tests/data/broken.yaml");
    yaml.replace(yaml.find("pionts"), 6, "\"pi\\e[2Jnts\"");
    write(s.work / "esc.yaml", yaml);
    r = s.run("lint esc.yaml");
    CHECK(r.code == 1);
    CHECK(r.err.find("unknown key 'pi\\x1b[2Jnts' in an option\n") != std::string::npos);
    CHECK(r.err.find('\x1b') == std::string::npos);

    r = s.run("diagnose --rules '" + rules + "' esc.jsonl -o d");
    CHECK(r.code == 0);
    CHECK(read(s.work / "d" / "index.tsv") ==
          "enterprise_id\tfile\nX\\x1b[31mY\\tZ\\nW\tX_[31mY_Z_W\n");
  }
}
#endif

namespace {

// Every file of a folder and its bytes, hidden ones included.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    files[e.path().filename().string()] = e.is_regular_file() ? read(e.path()) : "<folder>";
  return files;
}

// Starts `smedx <args>` in `work` with its output thrown away; the caller kills or waits.
pid_t start(const fs::path& work, const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(work.c_str()) != 0) ::_exit(99);
    std::FILE* null = std::freopen("/dev/null", "w", stdout);
    null = std::freopen("/dev/null", "w", stderr);
    (void)null;
    std::vector<char*> argv{const_cast<char*>(SMEDX_CLI)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(SMEDX_CLI, argv.data());
    ::_exit(98);
  }
  return pid;
}

int finish(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The names in `dir` of temporary folders and files a run leaves while it writes.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".smedx-") != std::string::npos && name != ".smedx-manifest")
      names.push_back(name);
  }
  return names;
}

}  // namespace

TEST_SUITE("cli output") {
  TEST_CASE("cli output.a diagnosis folder killed at any moment is the old one or the new one") {
    const Scratch s("kill");
    // 720 enterprises (the example cohort under new ids): a run long enough to kill midway.
    std::string big;
    const std::string one = read(cohort);
    for (int copy = 0; copy < 60; ++copy) {
      std::string text = one;
      const std::string from = "\"id\":\"CN-2025-", to = "\"id\":\"K" + std::to_string(copy) + "-";
      for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
        text.replace(at, from.size(), to);
      big += text;
    }
    write(s.work / "in.jsonl", big);
    const std::vector<std::string> old_run = {"diagnose", "--rules", rules,
                                              "in.jsonl", "-o",      "out"};
    std::vector<std::string> new_run = old_run;
    new_run.insert(new_run.end(), {"--target", "3"});
    std::vector<std::string> new_elsewhere = new_run;
    new_elsewhere.back() = "3";
    new_elsewhere[5] = "out-new";

    REQUIRE(finish(start(s.work, old_run)) == 0);
    const auto before = snapshot(s.work / "out");
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(finish(start(s.work, new_elsewhere)) == 0);
    const auto took = std::chrono::steady_clock::now() - t0;
    const auto after = snapshot(s.work / "out-new");
    REQUIRE(before != after);
    REQUIRE(before.size() > 1440);

    int old_seen = 0, new_seen = 0, temporaries_seen = 0;
    constexpr int points = 16;
    for (int k = 0; k < points; ++k) {
      const pid_t pid = start(s.work, new_run);
      // Spread over the run; the last three wait three runs' time, so that they land after the
      // end even on a machine slower now than when the run was timed.
      std::this_thread::sleep_for(k < points - 3 ? took * k / (points - 4) : took * 3);
      ::kill(pid, SIGKILL);
      finish(pid);
      if (!temporaries(s.work).empty()) ++temporaries_seen;
      const auto now = snapshot(s.work / "out");
      const bool is_old = now == before, is_new = now == after;
      CHECK_MESSAGE((is_old || is_new), "killed after " << k << "/" << points - 4 << " of the run");
      if (is_new) {
        ++new_seen;
        REQUIRE(finish(start(s.work, old_run)) == 0);  // back to the old folder for the next kill
      } else {
        old_seen += is_old;
      }
    }
    CHECK(old_seen > 0);
    CHECK(new_seen > 0);
    CHECK(temporaries_seen > 0);  // some kills did land while the run was writing
    // A run that completes removes what the killed ones left, beside the folder and in it.
    REQUIRE(finish(start(s.work, new_run)) == 0);
    CHECK(snapshot(s.work / "out") == after);
    for (const auto& dir : {s.work, s.work / "out"})
      for (const auto& name : temporaries(dir)) FAIL_CHECK("left behind: " << name);
  }

  TEST_CASE("cli output.a folder of the user's named like a temporary one is never removed") {
    const Scratch s("tmpname");
    write(s.work / "in.jsonl", first_records(2));
    const std::string diagnose = "diagnose --rules '" + rules + "' in.jsonl -o out";
    REQUIRE(s.run(diagnose).code == 0);
    fs::create_directories(s.work / "out" / ".smedx-tmp-mine");
    write(s.work / "out" / ".smedx-tmp-mine" / "notes.txt", "mine\n");
    fs::create_directories(s.work / ".out.smedx-1-mine");
    write(s.work / ".out.smedx-1-mine" / "notes.txt", "mine too\n");

    auto r = s.run(diagnose);
    CHECK(r.code == 2);
    CHECK(r.err.find("the folder holds files smedx did not write (.smedx-tmp-mine)") !=
          std::string::npos);
    r = s.run(diagnose + " --force");
    CHECK(r.code == 0);
    CHECK(read(s.work / "out" / ".smedx-tmp-mine" / "notes.txt") == "mine\n");
    CHECK(read(s.work / ".out.smedx-1-mine" / "notes.txt") == "mine too\n");
  }

  TEST_CASE(
      "cli output.a folder switched whole keeps its permissions, and a link keeps its target") {
    // docs/guarantees.md: "DIR keeps its permissions, and a link to a folder keeps pointing where
    // it did" — the new folder is built beside the old one and exchanged with it.
    const Scratch s("switch");
    write(s.work / "in.jsonl", first_records(2));
    const std::string diagnose = "diagnose --rules '" + rules + "' in.jsonl -o ";
    REQUIRE(s.run(diagnose + "out").code == 0);
    fs::permissions(s.work / "out",
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    fs::create_directory_symlink("out", s.work / "link");
    REQUIRE(s.run(diagnose + "link --target 3").code == 0);
    CHECK(fs::is_symlink(s.work / "link"));
    CHECK(fs::read_symlink(s.work / "link") == "out");
    CHECK((fs::status(s.work / "out").permissions() & fs::perms::all) ==
          (fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec));
    CHECK(read(s.work / "out" / "CN-2025-001.json").find("\"target\":3") != std::string::npos);
    for (const auto& name : temporaries(s.work)) FAIL_CHECK("left behind: " << name);
  }

  TEST_CASE("cli output.score -o removes the temporary files that killed runs left") {
    const Scratch s("leftover");
    write(s.work / "in.jsonl", read(cohort));
    write(s.work / ".out.jsonl.smedx-1-abcdef", "partial");          // pid 1 is alive: not removed
    write(s.work / ".out.jsonl.smedx-999999999-abcdef", "partial");  // no such process
    write(s.work / ".out.jsonl.smedx-Qx3b9Z", "partial");            // before pids were in the name
    const auto r = s.run("score --rules '" + rules + "' in.jsonl -o out.jsonl");
    CHECK(r.code == 0);
    CHECK(listing(s.work) ==
          std::set<std::string>{".out.jsonl.smedx-1-abcdef", "in.jsonl", "out.jsonl"});
  }
}
