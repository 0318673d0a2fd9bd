#include "smedx/output_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdio.h>  // renameat2
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <unordered_set>

#include "smedx/text.h"

namespace fs = std::filesystem;

namespace smedx {

namespace {

// A temporary name's stem for this process: the pid tells a later run whether the run that
// made it is still going (a live run's temporary folder is never removed).
std::string with_pid(std::string_view stem) {
  return std::string(stem) + std::to_string(::getpid()) + "-XXXXXX";
}

// Whether `name` (after `stem`) names a temporary of a run that is over: "PID-XXXXXX" with no
// such process, or a name of the form before pids were written.
bool run_is_over(std::string_view name, std::string_view stem) {
  if (!name.starts_with(stem)) return false;
  const std::string_view rest = name.substr(stem.size());
  const std::size_t dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0) return true;  // no pid: an older smedx
  long pid = 0;
  for (const char c : rest.substr(0, dash)) {
    if (c < '0' || c > '9' || pid > 1'000'000'000) return true;
    pid = pid * 10 + (c - '0');
  }
  return pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// A path shown in a message: control characters escaped.
std::string shown(std::string_view path) { return escape_control(path); }

// strerror's text as a smedx message: "no space left on device".
std::string reason(int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z' && (text.size() < 2 || text[1] > 'Z'))
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

[[noreturn]] void fail(const fs::path& path, std::string_view what, int err) {
  throw std::runtime_error(fmt::format("{}: {}: {}", shown(path.string()), what, reason(err)));
}

bool write_all(int fd, const char* data, std::size_t size, int& err) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

mode_t new_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

void Inputs::add(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) add(it->path());
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) files_.push_back({st.st_dev, st.st_ino, path.string()});
}

void Inputs::add_stdin() {
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode))
    files_.push_back({st.st_dev, st.st_ino, "<stdin>"});
}

std::optional<std::string> Inputs::same_as(const fs::path& path) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;  // not there yet: cannot be an input
  for (const auto& f : files_)
    if (f.dev == st.st_dev && f.ino == st.st_ino) return f.name;
  return std::nullopt;
}

std::optional<std::string> Inputs::same_as_stdout() const {
  struct stat st {};
  if (::fstat(STDOUT_FILENO, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  for (const auto& f : files_)
    if (f.dev == st.st_dev && f.ino == st.st_ino) return f.name;
  return std::nullopt;
}

std::optional<std::string> same_file_problem(const std::string& output, const Inputs& inputs) {
  if (output.empty()) {
    if (const auto input = inputs.same_as_stdout())
      return fmt::format("stdout is the same file as the input {}; write to another file",
                         shown(*input));
    return std::nullopt;
  }
  if (const auto input = inputs.same_as(output))
    return fmt::format("{}: the output is the same file as the input {}; write to another file",
                       shown(output), shown(*input));
  return std::nullopt;
}

// An ostream's buffer over a file descriptor that keeps the reason of a failed write.
class AtomicFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), data_(1u << 16) { reset(); }
  ~Buffer() override {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const noexcept { return fd_; }
  int error() const noexcept { return error_; }
  int close() {
    const int r = ::close(fd_);
    fd_ = -1;
    return r;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (drain() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain(); }

 private:
  void reset() { setp(data_.data(), data_.data() + data_.size()); }
  int drain() {
    if (error_) return -1;
    if (!write_all(fd_, pbase(), static_cast<std::size_t>(pptr() - pbase()), error_)) return -1;
    reset();
    return 0;
  }

  int fd_;
  int error_ = 0;
  std::vector<char> data_;
};

AtomicFile::AtomicFile(const fs::path& target) : name_(target), target_(target) {
  struct stat st {};
  int fd = -1;
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) fail(target, "cannot write", EISDIR);
    fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);  // a device or a pipe: nothing to rename
    if (fd < 0) fail(target, "cannot write", errno);
  } else {
    // Through a link to the output: the link keeps pointing at the new file.
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(target, ec);
    if (!ec) target_ = real;
    mode_ = S_ISREG(st.st_mode) ? (st.st_mode & 07777) : new_file_mode();
    const fs::path folder = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
    stem_ = "." + target_.filename().string() + ".smedx-";
    std::string name = (folder / with_pid(stem_)).string();
    fd = ::mkstemp(name.data());
    if (fd < 0) fail(target, "cannot write", errno);
    temp_ = name;
  }
  buffer_ = std::make_unique<Buffer>(fd);
  stream_ = std::make_unique<std::ostream>(buffer_.get());
}

AtomicFile::~AtomicFile() {
  stream_.reset();
  buffer_.reset();
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::commit() {
  stream_->flush();
  if (buffer_->error()) fail(name_, "cannot write", buffer_->error());
  if (!*stream_) fail(name_, "cannot write", EIO);
  if (!temp_.empty()) {
    if (::fchmod(buffer_->fd(), mode_) != 0) fail(name_, "cannot write", errno);
    if (::fsync(buffer_->fd()) != 0) fail(name_, "cannot write", errno);
  }
  if (buffer_->close() != 0) fail(name_, "cannot write", errno);
  if (!temp_.empty() && ::rename(temp_.c_str(), target_.c_str()) != 0)
    fail(name_, "cannot write", errno);
  committed_ = true;
  if (temp_.empty()) return;
  // Temporary files that runs killed before their end left beside the target.
  std::error_code ec;
  std::vector<fs::path> gone;
  for (fs::directory_iterator it(temp_.parent_path(), ec), end; !ec && it != end; it.increment(ec))
    if (run_is_over(it->path().filename().string(), stem_) &&
        it->symlink_status(ec).type() == fs::file_type::regular)
      gone.push_back(it->path());
  for (const auto& p : gone) fs::remove(p, ec);
}

namespace {

constexpr std::string_view temp_prefix = ".smedx-tmp-";
constexpr std::string_view manifest_mark = "# written by smedx ";

// `name` in the folder open as `at`: a file name, not a path, so that 20,000 files are not
// 20,000 walks down the same path.
void write_new_file(int at, const std::string& name, std::string_view text,
                    const fs::path& shown_as) {
  // O_EXCL and O_NOFOLLOW: only a file this run creates is ever written.
  const int fd =
      ::openat(at, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) fail(shown_as, "cannot write", errno);
  int err = 0;
  const bool ok = write_all(fd, text.data(), text.size(), err);
  if (::close(fd) != 0 && ok) err = errno;
  if (!ok || err) fail(shown_as, "cannot write", err ? err : EIO);
}

// A temporary folder smedx made: a real folder (not a link) that is empty or holds a manifest
// smedx wrote. A user's folder that merely has such a name is neither, and is left alone.
bool made_by_smedx(const fs::path& folder) {
  std::error_code ec;
  if (fs::symlink_status(folder, ec).type() != fs::file_type::directory) return false;
  if (fs::is_empty(folder, ec) && !ec) return true;
  if (!fs::is_regular_file(fs::symlink_status(folder / OutputFolder::manifest, ec))) return false;
  std::ifstream in(folder / OutputFolder::manifest);
  std::string line;
  return std::getline(in, line) && line.starts_with(manifest_mark);
}

// Removes a temporary folder of smedx's with its manifest last, so that a run killed while
// removing it leaves a folder that made_by_smedx still knows.
void remove_temporary(const fs::path& folder) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != OutputFolder::manifest) entries.push_back(it->path());
  for (const auto& p : entries) fs::remove_all(p, ec);
  fs::remove(folder / OutputFolder::manifest, ec);
  fs::remove(folder, ec);
}

// Removes the temporary folders named `stem`… in `folder` that runs killed before their end
// left behind.
void remove_leftovers(const fs::path& folder, std::string_view stem) {
  std::error_code ec;
  std::vector<fs::path> gone;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (run_is_over(name, stem) && made_by_smedx(it->path())) gone.push_back(it->path());
  }
  for (const auto& p : gone) remove_temporary(p);
}

// The mode mkdir would give a new folder: mkdtemp makes it 0700, which only its owner could read.
mode_t new_folder_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0777 & ~mask;
}

}  // namespace

std::unique_ptr<OutputFolder> OutputFolder::open(const fs::path& dir, bool force,
                                                 const Inputs& inputs, std::string& problem,
                                                 std::string_view command) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);  // the folder itself may be a link to one
  std::set<std::string> earlier;
  std::unordered_set<std::string> present;  // every name in the folder now
  bool exists = fs::exists(st);
  bool inputs_inside = false;  // a file in the folder is one of the run's inputs
  std::vector<std::string> foreign;
  if (exists) {
    if (!fs::is_directory(st)) {
      problem = shown(dir.string()) + ": not a folder";
      return nullptr;
    }
    std::set<std::string> listed;
    if (fs::is_regular_file(fs::symlink_status(dir / manifest, ec))) {
      std::ifstream in(dir / manifest);
      // "# written by smedx diagnose: …". Another command's folder is refused, and with
      // --force its files are kept as foreign ones: this run must not remove them as stale.
      // (A manifest that names no command is from before commands were named: anyone's.)
      bool ours = true;
      for (std::string line; std::getline(in, line);) {
        if (line.starts_with(manifest_mark)) {
          const std::string_view rest = std::string_view(line).substr(manifest_mark.size());
          const std::string_view by = rest.substr(0, rest.find(':'));
          ours = by == command;
          if (!ours && !force) {
            problem = fmt::format(
                "{}: the folder holds the files of smedx {}; give another folder, or --force to "
                "write beside them",
                shown(dir.string()), by);
            return nullptr;
          }
        }
        if (ours && !line.empty() && line[0] != '#') listed.insert(line);
      }
    }
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const fs::file_type type = it->symlink_status(ec).type();
      present.insert(name);
      if (type == fs::file_type::regular && inputs.same_as(it->path())) inputs_inside = true;
      if (name == manifest && type == fs::file_type::regular) continue;
      // A temporary folder of an earlier run; a user's folder of that name is foreign.
      if (name.starts_with(temp_prefix) && made_by_smedx(it->path())) continue;
      if (listed.contains(name) && type == fs::file_type::regular) {
        earlier.insert(name);
        continue;
      }
      foreign.push_back(name);
    }
    if (ec) {
      problem = fmt::format("{}: cannot read the folder: {}", shown(dir.string()), ec.message());
      return nullptr;
    }
    if (!foreign.empty() && !force) {
      std::sort(foreign.begin(), foreign.end());
      std::string names;
      for (std::size_t k = 0; k < foreign.size() && k < 3; ++k)
        names += (k ? ", " : "") + shown(foreign[k]);
      if (foreign.size() > 3) names += fmt::format(" and {} more", foreign.size() - 3);
      problem = fmt::format(
          "{}: the folder holds files smedx did not write ({}); give a new or empty folder, or "
          "--force to write beside them",
          shown(dir.string()), names);
      return nullptr;
    }
  }
  // The folder is switched whole (built beside it, then exchanged with it in one rename) when
  // everything in it is smedx's: the files of an earlier run, nothing of the user's, no input.
  // With --force beside foreign files, or where the system cannot exchange two folders, the
  // files are built inside it and moved in one by one.
  const fs::path real = exists ? fs::canonical(dir, ec) : fs::weakly_canonical(dir, ec);
  fs::path parent = ec ? fs::path() : real.parent_path();
  if (!ec && (real.filename().empty() || real == parent)) parent.clear();  // "/" or the like
  if (!parent.empty() && exists) {
    struct stat here {
    }, above{};
    if (::stat(real.c_str(), &here) != 0 || ::stat(parent.c_str(), &above) != 0 ||
        here.st_dev != above.st_dev)
      parent.clear();  // a mount point: no rename reaches over it
  }
  const bool whole = foreign.empty() && !inputs_inside && !parent.empty();

  bool created = false;
  if (!exists && !whole) {
    fs::create_directories(dir, ec);
    if (ec) {
      problem = fmt::format("{}: cannot make the folder: {}", shown(dir.string()), ec.message());
      return nullptr;
    }
    created = true;
  } else if (!exists) {
    fs::create_directories(parent, ec);
    if (ec) {
      problem = fmt::format("{}: cannot make the folder: {}", shown(dir.string()), ec.message());
      return nullptr;
    }
  }
  std::unique_ptr<OutputFolder> folder(
      new OutputFolder(dir, inputs, std::move(earlier), created, std::string(command)));
  folder->present_ = std::move(present);
  folder->existed_ = exists;
  struct stat dir_st {};
  folder->mode_ =
      exists && ::stat(real.c_str(), &dir_st) == 0 ? (dir_st.st_mode & 07777) : new_folder_mode();
  std::string temp;
  if (whole) {
    folder->real_ = real;
    folder->parent_ = parent;
    folder->stem_ = "." + real.filename().string() + ".smedx-";
    temp = (parent / with_pid(folder->stem_)).string();
  } else {
    temp = (dir / with_pid(temp_prefix)).string();
  }
  if (::mkdtemp(temp.data()) == nullptr) {
    problem = fmt::format("{}: cannot write in the folder: {}", shown(dir.string()), reason(errno));
    return nullptr;  // the destructor removes a folder this run made
  }
  folder->temp_ = temp;
  // Both folders held open: files are made and moved by name relative to them.
  folder->dir_fd_ =
      ::open(whole ? parent.c_str() : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  folder->temp_fd_ = ::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (folder->dir_fd_ < 0 || folder->temp_fd_ < 0) {
    problem = fmt::format("{}: cannot write in the folder: {}", shown(dir.string()), reason(errno));
    return nullptr;
  }
  // Marked as smedx's from the start, so that a run killed now leaves a folder the next run
  // knows it may remove.
  try {
    write_new_file(folder->temp_fd_, manifest,
                   std::string(manifest_mark) + folder->command_ + ": unfinished\n",
                   dir / manifest);
  } catch (const std::exception& e) {
    problem = e.what();
    return nullptr;
  }
  return folder;
}

OutputFolder::OutputFolder(fs::path dir, const Inputs& inputs, std::set<std::string> earlier,
                           bool created, std::string command)
    : dir_(std::move(dir)),
      inputs_(inputs),
      earlier_(std::move(earlier)),
      created_(created),
      command_(std::move(command)) {}

OutputFolder::~OutputFolder() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
  if (temp_fd_ >= 0) ::close(temp_fd_);
  if (committed_) return;
  std::error_code ec;
  if (!temp_.empty()) remove_temporary(temp_);
  if (created_) fs::remove(dir_, ec);  // only when empty
}

void OutputFolder::write(const std::string& name, std::string_view text) {
  if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos)
    throw std::logic_error("not a plain file name: " + shown(name));
  write_new_file(temp_fd_, name, text, dir_ / name);
  const std::lock_guard<std::mutex> lock(written_lock_);
  written_.push_back(name);
}

void OutputFolder::append(const std::string& name, std::string_view text) {
  bool made;
  {
    const std::lock_guard<std::mutex> lock(written_lock_);
    made = std::find(written_.begin(), written_.end(), name) != written_.end();
  }
  if (!made) {
    write(name, text);
    return;
  }
  // The file is this run's own, made by write(); O_NOFOLLOW all the same.
  const fs::path path = temp_ / name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail(dir_ / name, "cannot write", errno);
  int err = 0;
  const bool ok = write_all(fd, text.data(), text.size(), err);
  if (::close(fd) != 0 && ok) err = errno;
  if (!ok || err) fail(dir_ / name, "cannot write", err ? err : EIO);
}

void OutputFolder::write_manifest(const std::vector<std::string>& names, int at) {
  std::string text = std::string(manifest_mark) + command_ +
                     ": the files of the last run, which the next replaces\n";
  for (const auto& n : names) {
    text += n;
    text += '\n';
  }
  // Written whole under another name first: the manifest named is always a whole one.
  constexpr const char* next = ".smedx-manifest.new";
  ::unlinkat(temp_fd_, next, 0);
  write_new_file(temp_fd_, next, text, dir_ / manifest);
  if (::renameat(temp_fd_, next, at, manifest) != 0) fail(dir_ / manifest, "cannot write", errno);
}

void OutputFolder::commit() {
  // Sorted vectors, not sets: a cohort's 40,000 names are sorted once instead of being put in a
  // tree twice.
  std::vector<std::string> now = written_;
  std::sort(now.begin(), now.end());
  now.erase(std::unique(now.begin(), now.end()), now.end());
  if (!stem_.empty()) {
    commit_whole(now);
  } else {
    commit_by_file(now);
  }
  committed_ = true;
}

void OutputFolder::commit_whole(const std::vector<std::string>& now) {
  write_manifest(now, temp_fd_);
  if (::fchmod(temp_fd_, mode_) != 0) fail(dir_, "cannot write", errno);
  const std::string temp_name = temp_.filename().string();
  const std::string name = real_.filename().string();
  if (!existed_) {
    // No folder there when the run began: the new one takes the name in one rename (over an
    // empty folder made since, never over one with files).
    if (::renameat(dir_fd_, temp_name.c_str(), dir_fd_, name.c_str()) != 0)
      fail(dir_, "cannot write", errno);
  } else if (::renameat2(dir_fd_, temp_name.c_str(), dir_fd_, name.c_str(), RENAME_EXCHANGE) != 0) {
    // A file system that cannot exchange two names (EINVAL): the files move in one by one.
    if (errno != EINVAL && errno != ENOSYS) fail(dir_, "cannot write", errno);
    const int inside = ::open(real_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (inside < 0) fail(dir_, "cannot write", errno);
    ::close(dir_fd_);
    dir_fd_ = inside;
    stem_.clear();
    commit_by_file(now);
    return;
  }
  // The old folder now has the temporary name: remove it, and what killed runs left.
  remove_temporary(temp_);
  remove_leftovers(parent_, stem_);
}

void OutputFolder::commit_by_file(const std::vector<std::string>& now) {
  // Everything that could refuse the move is checked before the first file moves.
  for (const auto& name : written_) {
    // A name the folder did not hold when it was opened is no input (inputs exist before the
    // run starts) and no folder or link of the user's: a new folder's 20,000 files need no
    // 40,000 look-ups.
    if (!present_.contains(name)) continue;
    const fs::path path = dir_ / name;
    std::error_code ec;
    const fs::file_type type = fs::symlink_status(path, ec).type();
    if (type == fs::file_type::directory) fail(path, "cannot replace", EISDIR);
    if (type == fs::file_type::symlink) continue;  // the link is replaced, not followed
    if (const auto input = inputs_.same_as(path))
      throw std::runtime_error(
          fmt::format("{}: the output is the same file as the input {}; write to another folder",
                      shown(path.string()), shown(*input)));
  }
  std::vector<std::string> both;
  both.reserve(now.size() + earlier_.size());
  std::set_union(now.begin(), now.end(), earlier_.begin(), earlier_.end(),
                 std::back_inserter(both));
  write_manifest(both, dir_fd_);  // an interrupted commit still leaves a folder smedx recognises
  for (const auto& name : written_)
    if (::renameat(temp_fd_, name.c_str(), dir_fd_, name.c_str()) != 0)
      fail(dir_ / name, "cannot write", errno);
  for (const auto& name : earlier_) {
    const fs::path path = dir_ / name;
    std::error_code ec;
    if (!std::binary_search(now.begin(), now.end(), name) &&
        fs::is_regular_file(fs::symlink_status(path, ec)) && !inputs_.same_as(path))
      fs::remove(path, ec);
  }
  write_manifest(now, dir_fd_);
  remove_temporary(temp_);
  remove_leftovers(dir_, temp_prefix);
}

}  // namespace smedx
