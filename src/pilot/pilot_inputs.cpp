// Reading a pilot's inputs: providers, register, evidence, satisfaction (CSV or JSON Lines) and
// the surveys (through the batch path). A bad record is a located error and is left out; every
// other record is kept.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <istream>
#include <set>

#include "pilot/pilot_state.h"
#include "smedx/survey_csv.h"
#include "survey/record_reader.h"

namespace smedx {

std::optional<TableFormat> table_format_for(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".csv") return TableFormat::csv;
  if (ext == ".jsonl" || ext == ".ndjson") return TableFormat::jsonl;
  return std::nullopt;
}

namespace {

using detail::TableRow;

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find('|', start), s.size());
    std::string_view part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

std::string clip(std::string_view text) {
  std::string s(text.substr(0, 200));
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.pop_back();
  return s;
}

// Reads every record of a table and hands it to `use`; records that cannot be read are errors.
void read_table(std::istream& in, std::string_view source, TableFormat format,
                std::vector<Issue>& errors, std::size_t& rows,
                const std::function<void(const TableRow&)>& use) {
  const std::string src(source);
  detail::RecordReader reader(in,
                              format == TableFormat::csv ? InputFormat::csv : InputFormat::jsonl);
  detail::RawRecord raw;
  std::vector<std::string> header;
  auto fail = [&](int line, const std::string& text, std::string message) {
    errors.push_back(
        Issue{Severity::error, std::move(message), "", Location{src, line, 1}, clip(text)});
  };
  if (format == TableFormat::csv) {
    if (!reader.next(raw)) return;
    auto h = split_csv(raw.text);
    if (!h || !raw.problem.empty()) {
      fail(raw.line, raw.text, "the header row does not read as CSV");
      return;
    }
    header = std::move(*h);
    std::set<std::string> seen;
    for (const auto& name : header)
      if (!seen.insert(name).second)
        fail(raw.line, raw.text, fmt::format("column '{}' is named twice", name));
  }
  simdjson::dom::parser parser;
  while (reader.next(raw)) {
    ++rows;
    TableRow row;
    row.line = raw.line;
    row.text = clip(raw.text);
    if (!raw.problem.empty()) {
      fail(raw.line, raw.text, raw.problem);
      continue;
    }
    if (format == TableFormat::csv) {
      auto cells = split_csv(raw.text);
      if (!cells) {
        fail(raw.line, raw.text, "the row does not read as CSV");
        continue;
      }
      if (cells->size() != header.size()) {
        fail(raw.line, raw.text,
             fmt::format("the row has {} fields, the header {}", cells->size(), header.size()));
        continue;
      }
      for (std::size_t i = 0; i < header.size(); ++i)
        row.fields.emplace_back(header[i], std::move((*cells)[i]));
    } else {
      simdjson::dom::element doc;
      if (auto err = parser.parse(raw.text).get(doc)) {
        fail(raw.line, raw.text, fmt::format("malformed JSON: {}", simdjson::error_message(err)));
        continue;
      }
      simdjson::dom::object obj;
      if (doc.get(obj)) {
        fail(raw.line, raw.text, "expected a JSON object");
        continue;
      }
      for (auto field : obj) {
        std::string value;
        const auto v = field.value;
        switch (v.type()) {
          case simdjson::dom::element_type::STRING:
            value = std::string(v.get_string().value());
            break;
          case simdjson::dom::element_type::ARRAY:
            for (auto e : v.get_array()) {
              if (!value.empty()) value += '|';
              std::string_view sv;
              value += e.get(sv) ? simdjson::minify(e) : std::string(sv);
            }
            break;
          case simdjson::dom::element_type::NULL_VALUE:
            break;
          default:
            value = simdjson::minify(v);
        }
        row.fields.emplace_back(std::string(field.key), std::move(value));
      }
    }
    use(row);
  }
}

// How many records the errors from `first` on belong to: a record with several counts once.
std::size_t records_among(const std::vector<Issue>& errors, std::size_t first) {
  std::set<std::pair<std::string_view, int>> records;
  for (std::size_t k = first; k < errors.size(); ++k)
    records.emplace(errors[k].where.file, errors[k].where.line);
  return records.size();
}

struct RowChecker {
  const TableRow& row;
  std::string_view source;
  std::vector<Issue> problems;

  void fail(std::string message) {
    problems.push_back(Issue{Severity::error, std::move(message), "",
                             Location{std::string(source), row.line, 1}, row.text});
  }
  std::string required(std::string_view name) {
    const std::string* v = row.get(name);
    if (!v || v->empty()) {
      fail(fmt::format("missing {}", name));
      return {};
    }
    return *v;
  }
  std::optional<Date> date(std::string_view name, bool needed) {
    const std::string* v = row.get(name);
    if (!v || v->empty()) {
      if (needed) fail(fmt::format("missing {}", name));
      return std::nullopt;
    }
    auto d = parse_date(*v);
    if (!d) fail(fmt::format("{} '{}' is not a date (expected yyyy-mm-dd)", name, *v));
    return d;
  }
};

}  // namespace

Pilot::Pilot(const Programme& programme, const Engine& engine)
    : s_(std::make_unique<State>(programme, engine)) {}
Pilot::~Pilot() = default;
Pilot::Pilot(Pilot&&) noexcept = default;

const std::vector<Issue>& Pilot::errors() const noexcept { return s_->errors; }
const PilotCounts& Pilot::counts() const noexcept { return s_->counts; }
const Programme& Pilot::programme() const noexcept { return s_->programme; }
const RuleSet& Pilot::rules() const noexcept { return s_->engine.rules(); }

void Pilot::add_providers(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  read_table(in, source, format, s.errors, s.counts.providers_rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    Provider p;
    p.id = c.required("id");
    p.name = row.get("name") ? *row.get("name") : std::string();
    p.where = Location{std::string(source), row.line, 1};
    if (!p.id.empty()) {
      if (auto it = s.provider_index.find(p.id); it != s.provider_index.end())
        c.fail(fmt::format("duplicate provider id '{}' (first on line {})", p.id,
                           s.providers[it->second].where.line));
    }
    if (!c.problems.empty()) {
      for (auto& e : c.problems) s.errors.push_back(std::move(e));
      return;
    }
    s.provider_index.emplace(p.id, s.providers.size());
    s.providers.push_back(std::move(p));
  });
  s.counts.providers = s.providers.size();
  s.counts.error_records += records_among(s.errors, first_error);
}

void Pilot::add_register(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  read_table(in, source, format, s.errors, s.counts.register_rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    Enterprise e;
    e.id = c.required("id");
    e.name = row.get("name") ? *row.get("name") : std::string();
    e.industry = c.required("industry");
    e.district = c.required("district");
    e.batch = c.required("batch");
    if (const auto* t = row.get("tags")) e.tags = split_list(*t);
    if (const auto* p = row.get("providers")) e.providers = split_list(*p);
    if (const auto* p = row.get("solutions")) e.solutions = split_list(*p);
    e.contract_date = c.date("contract_date", false);
    e.planned_end = c.date("planned_end", false);
    if (const auto* inv = row.get("investment"); inv && !inv->empty()) {
      auto d = Decimal::parse(*inv);
      if (!d || d->thousandths() < 0)
        c.fail(fmt::format("investment '{}' is not an amount (万元, at most 3 decimals)", *inv));
      else
        e.investment = *d;
    }
    e.where = Location{std::string(source), row.line, 1};
    if (!e.id.empty()) {
      if (auto it = s.index.find(e.id); it != s.index.end())
        c.fail(fmt::format("duplicate enterprise id '{}' (first on line {})", e.id,
                           s.enterprises[it->second].where.line));
    }
    if (!e.industry.empty() && !s.programme.find_industry(e.industry))
      c.fail(fmt::format("unknown industry '{}' for enterprise '{}'", e.industry, e.id));
    if (!e.batch.empty() && !s.programme.find_batch(e.batch))
      c.fail(fmt::format("unknown batch '{}' for enterprise '{}'", e.batch, e.id));
    for (const auto& p : e.providers)
      if (!s.provider_index.count(p))
        c.fail(fmt::format("unknown provider '{}' for enterprise '{}'", p, e.id));
    if (e.contract_date && e.planned_end && *e.planned_end < *e.contract_date)
      c.fail(fmt::format("planned_end {} is before contract_date {}", e.planned_end->to_string(),
                         e.contract_date->to_string()));
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    s.index.emplace(e.id, s.enterprises.size());
    s.enterprises.push_back(std::move(e));
  });
  s.counts.enterprises = s.enterprises.size();
  s.evidence.resize(s.enterprises.size());
  s.evidence_where.resize(s.enterprises.size());
  s.baseline.resize(s.enterprises.size());
  s.acceptance.resize(s.enterprises.size());
  s.counts.error_records += records_among(s.errors, first_error);
}

void Pilot::add_evidence(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  read_table(in, source, format, s.errors, s.counts.evidence_rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    const std::string id = c.required("enterprise_id");
    auto it = id.empty() ? s.index.end() : s.index.find(id);
    if (!id.empty() && it == s.index.end())
      c.fail(fmt::format("evidence for enterprise '{}', which is not in the register", id));
    std::uint64_t bits = 0;
    for (const auto& [k, v] : row.fields) {
      if (k == "enterprise_id") continue;
      const auto& ev = s.programme.evidence;
      // A named copy: clang 14 cannot capture a structured binding in a lambda.
      const std::string& key = k;
      auto e =
          std::find_if(ev.begin(), ev.end(), [&](const EvidenceItem& x) { return x.id == key; });
      if (e == ev.end()) {
        c.fail(fmt::format("unknown evidence item '{}'", k));
        continue;
      }
      if (v == "yes" || v == "true" || v == "1" || v == "是") {
        bits |= std::uint64_t{1} << (e - ev.begin());
      } else if (!(v == "no" || v == "false" || v == "0" || v == "否" || v.empty())) {
        c.fail(fmt::format("evidence '{}' is '{}' (expected yes or no)", k, v));
      }
    }
    if (it != s.index.end() && s.evidence_where[it->second].known())
      c.fail(fmt::format("duplicate evidence record for enterprise '{}' (first on line {})", id,
                         s.evidence_where[it->second].line));
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    s.evidence[it->second] = bits;
    s.evidence_where[it->second] = Location{std::string(source), row.line, 1};
  });
  s.counts.error_records += records_among(s.errors, first_error);
}

void Pilot::add_satisfaction(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  const Programme& prog = s.programme;
  read_table(in, source, format, s.errors, s.counts.satisfaction_rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    const std::string id = c.required("enterprise_id");
    const std::string provider = c.required("provider_id");
    auto it = id.empty() ? s.index.end() : s.index.find(id);
    if (!id.empty() && it == s.index.end())
      c.fail(fmt::format("a rating by enterprise '{}', which is not in the register", id));
    auto pit = provider.empty() ? s.provider_index.end() : s.provider_index.find(provider);
    if (!provider.empty() && pit == s.provider_index.end())
      c.fail(fmt::format("unknown provider '{}'", provider));
    if (it != s.index.end() && pit != s.provider_index.end()) {
      const auto& ps = s.enterprises[it->second].providers;
      if (std::find(ps.begin(), ps.end(), provider) == ps.end())
        c.fail(fmt::format("provider '{}' does not serve enterprise '{}'", provider, id));
    }
    State::Rating r;
    for (const auto& item : prog.satisfaction) {
      const std::string* v = row.get(item.id);
      if (!v || v->empty()) {
        c.fail(fmt::format("missing satisfaction item '{}'", item.id));
        continue;
      }
      int score = 0;
      const bool whole =
          !v->empty() && v->size() <= 3 &&
          std::all_of(v->begin(), v->end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (whole) score = std::stoi(*v);
      if (!whole || score < prog.satisfaction_min || score > prog.satisfaction_max) {
        c.fail(fmt::format("satisfaction '{}' is '{}', outside the scale {}–{}", item.id, *v,
                           prog.satisfaction_min, prog.satisfaction_max));
        continue;
      }
      r.scores.push_back(score);
    }
    for (const auto& [k, v] : row.fields) {
      if (k == "enterprise_id" || k == "provider_id") continue;
      const std::string& key = k;  // clang 14 cannot capture a structured binding
      if (std::none_of(prog.satisfaction.begin(), prog.satisfaction.end(),
                       [&](const SatisfactionItem& i) { return i.id == key; }))
        c.fail(fmt::format("unknown satisfaction item '{}'", k));
    }
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    r.enterprise = it->second;
    r.provider = pit->second;
    s.ratings.push_back(std::move(r));
  });
  s.counts.error_records += records_among(s.errors, first_error);
}

void Pilot::add_surveys(std::istream& in, std::string_view source, InputFormat format,
                        const Engine* engine, unsigned threads) {
  State& s = *s_;
  const Engine& eng = engine ? *engine : s.engine;
  const RuleSet& rules = eng.rules();
  std::vector<CodedSurvey> block;
  block.reserve(1024);
  BlockScores scores;
  auto fail = [&](const Location& where, std::string message) {  // once a survey, then return
    ++s.counts.error_records;
    s.errors.push_back(Issue{Severity::error, std::move(message), "", where, ""});
  };
  // Keeps each survey's snapshot; scored a block at a time.
  std::vector<std::pair<std::optional<Snapshot>*, std::size_t>> slots;
  auto flush = [&] {
    eng.score_block(block, scores);
    const std::size_t ni = rules.items().size();
    std::size_t ns = 0, nd = rules.dimensions.size();
    for (const auto& d : rules.dimensions) ns += d.sub_indicators.size();
    for (std::size_t r = 0; r < block.size(); ++r) {
      Snapshot& snap = **slots[r].first;
      if (!snap.ok()) continue;
      snap.level = scores.level[r];
      snap.total = Decimal::from_thousandths(scores.total[r]);
      auto copy = [&](std::vector<Decimal>& out, const std::vector<std::int64_t>& col,
                      std::size_t width) {
        out.resize(width);
        for (std::size_t k = 0; k < width; ++k)
          out[k] = Decimal::from_thousandths(col[r * width + k]);
      };
      copy(snap.dimensions, scores.dim_points, nd);
      copy(snap.sub_indicators, scores.sub_points, ns);
      copy(snap.items, scores.item_points, ni);
      snap.scenarios = block[r].levels;
    }
    block.clear();
    slots.clear();
  };
  BatchOptions options;
  options.threads = threads;
  const auto summary = visit_stream(
      eng, in, source, format,
      [&](const CodedSurvey& coded) {
        ++s.counts.survey_records;
        const Location& where = coded.where.known() || !coded.errors.empty()
                                    ? (coded.where.known() ? coded.where : coded.errors[0].where)
                                    : coded.where;
        std::string phase, on;
        for (const auto& [k, v] : coded.enterprise) {
          if (k == "phase") phase = v;
          if (k == "assessed_on") on = v;
        }
        if (coded.enterprise_id.empty()) {
          if (coded.errors.empty()) return fail(where, "a survey without enterprise.id");
          ++s.counts.error_records;
          for (const auto& e : coded.errors) s.errors.push_back(e);
          return;
        }
        const std::string& id = coded.enterprise_id;
        auto it = s.index.find(id);
        if (it == s.index.end()) {
          fail(where,
               fmt::format("a survey for enterprise '{}', which is not in the register", id));
          return;
        }
        if (phase != "baseline" && phase != "acceptance") {
          fail(where,
               phase.empty()
                   ? fmt::format("survey of '{}' has no enterprise.phase (baseline or acceptance)",
                                 id)
                   : fmt::format("survey of '{}' has phase '{}' (expected baseline or acceptance)",
                                 id, phase));
          return;
        }
        auto date = parse_date(on);
        if (!date) {
          fail(where, on.empty() ? fmt::format("survey of '{}' has no enterprise.assessed_on", id)
                                 : fmt::format("survey of '{}': assessed_on '{}' is not a date "
                                               "(expected yyyy-mm-dd)",
                                               id, on));
          return;
        }
        auto& slot = (phase == "baseline" ? s.baseline : s.acceptance)[it->second];
        if (slot) {
          fail(where, fmt::format("a second {} survey for '{}' (first at {}:{})", phase, id,
                                  slot->where.file, slot->where.line));
          return;
        }
        slot.emplace();
        slot->where = where;
        slot->assessed_on = *date;
        slot->engine = &eng;
        if (!s.latest || *s.latest < *date) s.latest = *date;
        ++s.counts.surveys_used;
        if (!coded.ok()) {
          // Kept: the enterprise's acceptance names it. Also listed with the input errors.
          slot->errors = coded.errors;
          ++s.counts.error_records;
          for (const auto& e : coded.errors) s.errors.push_back(e);
          return;
        }
        block.push_back(coded);
        slots.emplace_back(&slot, it->second);
        if (block.size() == 1024) flush();
      },
      options);
  if (!block.empty()) flush();
  for (const auto& f : summary.fatal) s.errors.push_back(f);
}

}  // namespace smedx
