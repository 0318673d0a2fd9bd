// The provider rating's counts and exact figures, for every group of enterprises rated the same
// way: a provider's (评星评级) and a catalogue product's (以评促建). One implementation, so that
// a product's pass rate, level gain and satisfaction are the provider rating's. Not API.
#pragma once

#include <cstdint>
#include <optional>

#include "pilot/pilot_state.h"

namespace smedx::detail {

// What the enterprises of a group did: accepted are passed or failed (incomplete ones are not
// judged yet); the gain counts those accepted with both surveys scored.
struct OutcomeTally {
  int enterprises = 0, accepted = 0, passed = 0, failed = 0, incomplete = 0, on_time = 0;
  int level_gain = 0, n_gain = 0;
  std::int64_t point_gain = 0;  // thousandths
  void add(const AcceptanceRecord& r);
  std::optional<Ratio> pass_rate() const;        // passed / accepted, 0..1
  std::optional<Ratio> on_time_share() const;    // on time / accepted, 0..1
  std::optional<Ratio> mean_level_gain() const;  // levels
  std::optional<Ratio> mean_point_gain() const;  // points
};

// The satisfaction ratings of a group: each rating's score is Σ weightᵢ·scoreᵢ / 100.
struct SatisfactionTally {
  std::int64_t sum = 0;  // Σ over ratings of Σ weightᵢ·scoreᵢ (scores in thousandths)
  int ratings = 0;
  void add(const Programme& programme, const Pilot::State::Rating& rating);
  std::optional<Ratio> mean() const;  // on the programme's scale
  // The mean mapped from the scale to 0-100: (mean − min) / (max − min) · 100.
  std::optional<Ratio> score(const Programme& programme) const;
};

}  // namespace smedx::detail
