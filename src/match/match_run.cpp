// The match job, one driver for every door: surveys in (read from sources or already coded),
// each matched on every core a block at a time, out in input order as JSON lines or kept; the
// 产品矩阵 counted as they pass.
#include <Eigen/Core>

#include <algorithm>
#include <map>
#include <ostream>

#include "common/parallel.h"
#include "smedx/match.h"

namespace smedx {

namespace {

constexpr std::array<std::string_view, 3> condition_names = {"points", "scenarios", "constraint"};

// The 产品矩阵 as the matches pass, in input order.
class MatrixCount {
 public:
  explicit MatrixCount(const Matcher& m) : m_(m) {
    const auto n = m.catalogue().products.size();
    plans_.assign(n, 0);
    revenue_.assign(n, 0);
    industries_.resize(n);
    districts_.resize(n);
  }

  void add(const Match& match) {
    ++enterprises_;
    if (!match.errors.empty()) {
      ++errors_;
      return;
    }
    // The enterprise's row of the gap matrix: which target conditions it is short of.
    std::array<int, 3> row{};
    for (std::size_t k = 0; k < match.conditions.size() && k < 3; ++k)
      row[k] = match.conditions[k].before < match.conditions[k].required ? 1 : 0;
    short_.push_back(row);
    if (match.already) ++already_;
    if (!match.reached) {
      for (std::size_t k = 0; k < match.conditions.size() && k < 3; ++k)
        if (!match.conditions[k].covered) gaps_[k].push_back(match.enterprise_id);
      return;
    }
    if (match.already) return;
    ++reached_;
    for (std::size_t p : match.plan.products) {
      ++plans_[p];
      revenue_[p] += m_.catalogue().products[p].cost(m_.options().years);
      ++industries_[p][match.industry];
      ++districts_[p][match.district];
    }
  }

  ProductMatrix finish() const {
    ProductMatrix out;
    out.target = m_.target();
    out.enterprises = enterprises_;
    out.reached = reached_;
    out.already = already_;
    out.errors = errors_;
    const auto& products = m_.catalogue().products;
    // Coverage (products × conditions): whether a product can bring anything to a condition of
    // the target level. Gap (enterprises × conditions) times its transpose counts, for each
    // enterprise and product, the enterprise's short conditions the product addresses: the
    // products' demand is the enterprises with at least one. Counts, exact in integers.
    const auto np = static_cast<Eigen::Index>(products.size());
    const auto ne = static_cast<Eigen::Index>(short_.size());
    Eigen::Matrix<int, Eigen::Dynamic, 3> coverage(np, 3);
    const int target = m_.target();
    const auto& scenarios = m_.engine().rules().scenarios;
    for (Eigen::Index p = 0; p < np; ++p) {
      const Product& product = products[static_cast<std::size_t>(p)];
      int points = product.delivers.items.empty() ? 0 : 1, at = 0, constraint = 0;
      for (const auto& e : product.delivers.scenarios)
        if (e.level >= target) {
          at = 1;
          constraint = std::max(constraint,
                                scenarios[static_cast<std::size_t>(e.scenario)].constraint ? 1 : 0);
        }
      coverage.row(p) << points, at, constraint;
    }
    Eigen::Matrix<int, Eigen::Dynamic, 3> gap(ne, 3);
    for (Eigen::Index e = 0; e < ne; ++e) {
      const auto& r = short_[static_cast<std::size_t>(e)];
      gap.row(e) << r[0], r[1], r[2];
    }
    const Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic> addresses = gap * coverage.transpose();
    for (std::size_t p = 0; p < products.size(); ++p) {
      ProductUse u;
      u.product = p;
      u.plans = plans_[p];
      u.revenue = revenue_[p];
      u.by_industry.assign(industries_[p].begin(), industries_[p].end());
      u.by_district.assign(districts_[p].begin(), districts_[p].end());
      u.addressable = static_cast<std::size_t>(
          (addresses.col(static_cast<Eigen::Index>(p)).array() > 0).count());
      out.products.push_back(std::move(u));
    }
    for (std::size_t k = 0; k < 3; ++k)
      out.gaps.push_back({std::string(condition_names[k]), gaps_[k]});
    return out;
  }

 private:
  const Matcher& m_;
  std::size_t enterprises_ = 0, reached_ = 0, already_ = 0, errors_ = 0;
  std::vector<std::size_t> plans_;
  std::vector<std::int64_t> revenue_;
  std::vector<std::map<std::string, std::size_t>> industries_, districts_;
  std::vector<std::array<int, 3>> short_;
  std::array<std::vector<std::string>, 3> gaps_;
};

// Matches a block on every core, then hands the matches on in input order.
class Runner {
 public:
  Runner(const Matcher& m, std::ostream* out) : m_(m), out_(out), count_(m) {}

  void block(std::span<const CodedSurvey> surveys) {
    std::vector<Match> matches(surveys.size());
    detail::parallel_tasks(surveys.size(), detail::thread_count(m_.options().batch.threads),
                           [&](std::size_t i) { matches[i] = m_.match(surveys[i]); });
    for (Match& match : matches) {
      count_.add(match);
      if (out_) {
        *out_ << to_json(match, m_) << '\n';
      } else {
        run_.matches.push_back(std::move(match));
      }
    }
  }

  MatchRun finish(std::size_t records) {
    run_.records = records;
    run_.matrix = count_.finish();
    return std::move(run_);
  }

 private:
  const Matcher& m_;
  std::ostream* out_;
  MatrixCount count_;
  MatchRun run_;
};

}  // namespace

MatchRun run_match(const Matcher& matcher, std::span<const SurveySource> sources,
                   std::ostream* out) {
  Runner runner(matcher, out);
  const BatchOptions& options = matcher.options().batch;
  const std::size_t block = std::max<std::size_t>(1, options.block_size);
  std::size_t records = 0;
  std::vector<CodedSurvey> coded;
  for (const SurveySource& source : sources) {
    const auto in = source.open();
    records += visit_stream(
                   matcher.engine(), *in, source.name, source.format,
                   [&](const CodedSurvey& c) {
                     coded.push_back(c);
                     if (coded.size() == block) {
                       runner.block(coded);
                       coded.clear();
                     }
                   },
                   options)
                   .records;
  }
  if (!coded.empty()) runner.block(coded);
  return runner.finish(records);
}

MatchRun run_match(const Matcher& matcher, std::span<const CodedSurvey> surveys,
                   std::ostream* out) {
  Runner runner(matcher, out);
  const std::size_t block = std::max<std::size_t>(1, matcher.options().batch.block_size);
  for (std::size_t b = 0; b < surveys.size(); b += block)
    runner.block(surveys.subspan(b, std::min(block, surveys.size() - b)));
  return runner.finish(surveys.size());
}

}  // namespace smedx
