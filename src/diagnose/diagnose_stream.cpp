// Diagnosing a stream of surveys on every core. Reading and coding go through visit_stream;
// the coded surveys of a block are then diagnosed in parallel, since a diagnosis (a knapsack
// over the items' upgrades, and the files an enterprise gets) costs far more than coding.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "common/parallel.h"
#include "smedx/diagnosis.h"

namespace smedx {

BatchSummary diagnose_stream(const Diagnoser& diagnoser, std::istream& in, std::string_view source,
                             InputFormat format, std::optional<int> target,
                             const DiagnosisVisitor& prepare, const DiagnosisVisitor& visit,
                             const BatchOptions& options, std::vector<PathPlan>* keep,
                             const std::vector<PathPlan>* known, DiagnosisDetail detail) {
  // Diagnosed a few hundred at a time: enough to keep every core busy, few enough that what
  // `prepare` keeps per slot (an enterprise's HTML, say) stays small.
  const std::size_t block = std::clamp<std::size_t>(options.block_size, 1, 256);
  const std::size_t threads = detail::thread_count(options.threads);
  std::vector<CodedSurvey> coded;
  coded.reserve(block);
  std::vector<Diagnosis> diagnoses(block);
  std::size_t first = 0;  // the record number of the block's first record
  auto flush = [&] {
    const std::size_t n = coded.size();
    // At least 16 surveys a worker: a diagnosis takes tens of microseconds.
    detail::parallel_slices(
        n, std::min<std::size_t>(threads, (n + 15) / 16), [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) {
            const std::size_t record = first + i;
            diagnoses[i] = diagnoser.diagnose(
                coded[i], target, known && record < known->size() ? &(*known)[record] : nullptr,
                detail);
            if (prepare) prepare(i, diagnoses[i]);
          }
        });
    for (std::size_t i = 0; i < n; ++i) {
      visit(i, diagnoses[i]);
      if (keep) keep->push_back(std::move(diagnoses[i].path.plan));
    }
    first += n;
    coded.clear();
  };
  BatchSummary summary = visit_stream(
      diagnoser.engine(), in, source, format,
      [&](const CodedSurvey& c) {
        coded.push_back(c);
        if (coded.size() == block) flush();
      },
      options);
  if (!coded.empty()) flush();
  return summary;
}

}  // namespace smedx
