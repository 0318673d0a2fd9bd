// A block of records as it moves through the batch driver's pipeline: read on the calling
// thread, coded, scored and formatted on a worker, then handed on in input order. Its buffers
// keep their capacity from block to block and, through the block shelf, from call to call:
// every field below is set again for each block before it is read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "smedx/coded_survey.h"
#include "survey/record_reader.h"

namespace smedx::detail {

struct RecordBlock {
  std::vector<RawRecord> raw;
  std::vector<CodedSurvey> coded;
  std::size_t n = 0;
  std::string out;  // the block's formatted records, each followed by '\n'
  std::size_t errors = 0;
  std::size_t first = 0;      // the stream's index of the block's first record
  std::size_t formatted = 0;  // records formatted into `out`
  bool done = false;          // guarded by the pipeline's mutex
};

}  // namespace smedx::detail
