// Writing a job's output so that no input is ever destroyed and no partial output is ever
// left behind: an output that is an input is refused before anything is opened for writing, a
// file is built beside its target and renamed over it only when whole, and a folder of files is
// built in a fresh folder inside it and moved into place only when every file is written.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <streambuf>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace smedx {

// The files a run reads, to check an output against: survey files, '-' for stdin, and a rule
// set (a folder stands for every file under it).
class Inputs {
 public:
  void add(const std::filesystem::path& path);  // a file or a folder, followed through links
  void add_stdin();

  // The input that is the same file as `path` (through a symbolic or hard link, or another
  // spelling of it), if any; nothing when `path` does not exist.
  std::optional<std::string> same_as(const std::filesystem::path& path) const;
  // The input that is the file behind stdout, when stdout is a regular file.
  std::optional<std::string> same_as_stdout() const;

 private:
  struct File {
    dev_t dev;
    ino_t ino;
    std::string name;
  };
  std::vector<File> files_;
};

// The usage error of writing `output` (a file, or stdout when empty), if it is an input.
std::optional<std::string> same_file_problem(const std::string& output, const Inputs& inputs);

// A file written whole or not at all. A regular file (or a new one) is written to a temporary
// file in the same folder and renamed over the target by commit(); the temporary file is
// removed if commit() is not reached. A device or pipe (/dev/null, /dev/stdout on a pipe) is
// written directly. Errors throw std::runtime_error naming the file and the reason.
class AtomicFile {
 public:
  explicit AtomicFile(const std::filesystem::path& target);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  std::ostream& stream() { return *stream_; }
  void commit();

 private:
  class Buffer;
  std::filesystem::path name_, target_, temp_;  // as given, the file written, the temporary
  std::string stem_;                            // the temporary's name up to the pid
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
  mode_t mode_ = 0644;
  bool committed_ = false;
  std::string command_;
};

// A folder of output files owned by smedx. open() refuses, before writing anything, a folder
// holding anything smedx did not write there (unless `force`); files are written into a fresh
// hidden folder, never through a link, and commit() puts them in place, drops the files of the
// earlier run that this one does not write, and records what it wrote in `.smedx-manifest` so
// the next run knows the folder. A folder holding only smedx's files is switched whole: the new
// one is built beside it and exchanged with it in one rename, so that a reader, or a run killed
// at any moment, sees the old folder or the new one, never a mix (docs/guarantees.md). Without
// commit() the folder is left as it was.
class OutputFolder {
 public:
  static constexpr const char* manifest = ".smedx-manifest";

  // The folder, or the usage error that refuses it (as the message to print).
  // `command` (diagnose, pilot) is recorded in the manifest: a folder another command wrote is
  // refused too, since this run would remove that command's files.
  static std::unique_ptr<OutputFolder> open(const std::filesystem::path& dir, bool force,
                                            const Inputs& inputs, std::string& problem,
                                            std::string_view command);
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  ~OutputFolder();

  // May be called from several threads at once, for different names.
  void write(const std::string& name, std::string_view text);
  // Adds `text` to the end of file `name`, made by the first call: for an output too large to
  // hold whole, written a chunk at a time.
  void append(const std::string& name, std::string_view text);
  void commit();

 private:
  OutputFolder(std::filesystem::path dir, const Inputs& inputs, std::set<std::string> earlier,
               bool created, std::string command);
  void write_manifest(const std::vector<std::string>& names, int at);
  void commit_whole(const std::vector<std::string>& now);
  void commit_by_file(const std::vector<std::string>& now);

  std::filesystem::path dir_, temp_;
  // Switched whole: the folder's real path, the folder it is in, and the temporary name's stem
  // (".NAME.smedx-"); empty when the files move in one by one.
  std::filesystem::path real_, parent_;
  std::string stem_;
  mode_t mode_ = 0755;  // the folder's, kept across the switch
  bool existed_ = false;
  const Inputs& inputs_;
  std::set<std::string> earlier_;            // the files the earlier run wrote
  std::unordered_set<std::string> present_;  // every name the folder held when opened
  int dir_fd_ = -1, temp_fd_ = -1;  // the folder (its parent when switched whole), the temporary
  std::vector<std::string> written_;
  std::mutex written_lock_;  // write() runs on worker threads
  bool created_;             // the run made the folder: remove it again if nothing is committed
  bool committed_ = false;
  std::string command_;
};

}  // namespace smedx
