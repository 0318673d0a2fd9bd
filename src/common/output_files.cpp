#include "smedx/output_files.h"

#include <fcntl.h>
#include <fmt/format.h>
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
    std::string name = (folder / ("." + target_.filename().string() + ".smedx-XXXXXX")).string();
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
}

namespace {

constexpr std::string_view temp_prefix = ".smedx-tmp-";

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

}  // namespace

std::unique_ptr<OutputFolder> OutputFolder::open(const fs::path& dir, bool force,
                                                 const Inputs& inputs, std::string& problem,
                                                 std::string_view command) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);  // the folder itself may be a link to one
  std::set<std::string> earlier;
  std::unordered_set<std::string> present;  // every name in the folder now
  bool created = false;
  if (fs::exists(st)) {
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
        constexpr std::string_view mark = "# written by smedx ";
        if (line.starts_with(mark)) {
          const std::string_view rest = std::string_view(line).substr(mark.size());
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
    std::vector<std::string> foreign;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const fs::file_type type = it->symlink_status(ec).type();
      present.insert(name);
      if (name == manifest && type == fs::file_type::regular) continue;
      if (name.starts_with(temp_prefix) && type == fs::file_type::directory) continue;
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
  } else {
    fs::create_directories(dir, ec);
    if (ec) {
      problem = fmt::format("{}: cannot make the folder: {}", shown(dir.string()), ec.message());
      return nullptr;
    }
    created = true;
  }
  std::unique_ptr<OutputFolder> folder(
      new OutputFolder(dir, inputs, std::move(earlier), created, std::string(command)));
  folder->present_ = std::move(present);
  std::string temp = (dir / (std::string(temp_prefix) + "XXXXXX")).string();
  if (::mkdtemp(temp.data()) == nullptr) {
    problem = fmt::format("{}: cannot write in the folder: {}", shown(dir.string()), reason(errno));
    return nullptr;  // the destructor removes a folder this run made
  }
  folder->temp_ = temp;
  // Both folders held open: files are made and moved by name relative to them.
  folder->dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  folder->temp_fd_ = ::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (folder->dir_fd_ < 0 || folder->temp_fd_ < 0) {
    problem = fmt::format("{}: cannot write in the folder: {}", shown(dir.string()), reason(errno));
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
  if (!temp_.empty()) fs::remove_all(temp_, ec);
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

void OutputFolder::commit() {
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
  auto write_manifest = [&](const std::vector<std::string>& names) {
    std::string text =
        "# written by smedx " + command_ + ": the files of the last run, which the next replaces\n";
    for (const auto& n : names) {
      text += n;
      text += '\n';
    }
    write_new_file(temp_fd_, manifest, text, dir_ / manifest);
    if (::renameat(temp_fd_, manifest, dir_fd_, manifest) != 0)
      fail(dir_ / manifest, "cannot write", errno);
  };
  // Sorted vectors, not sets: a cohort's 40,000 names are sorted once instead of being put in a
  // tree twice.
  std::vector<std::string> now = written_;
  std::sort(now.begin(), now.end());
  now.erase(std::unique(now.begin(), now.end()), now.end());
  std::vector<std::string> both;
  both.reserve(now.size() + earlier_.size());
  std::set_union(now.begin(), now.end(), earlier_.begin(), earlier_.end(),
                 std::back_inserter(both));
  write_manifest(both);  // an interrupted commit still leaves a folder smedx recognises
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
  write_manifest(now);
  committed_ = true;
  std::error_code ec;
  fs::remove_all(temp_, ec);
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().starts_with(temp_prefix) &&
        it->symlink_status(ec).type() == fs::file_type::directory)
      fs::remove_all(it->path(), ec);  // left by a run that was killed
}

}  // namespace smedx
