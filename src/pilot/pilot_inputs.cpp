// Reading a pilot's inputs: providers, register, evidence, satisfaction (CSV or JSON Lines) and
// the surveys (through the batch path). A bad record is a located error and is left out; every
// other record is kept.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <istream>
#include <map>
#include <set>
#include <stdexcept>

#include "common/did_you_mean.h"
#include "pilot/pilot_state.h"
#include "pilot/pilot_table.h"
#include "pilot/programme_check.h"
#include "rules/rule_reader.h"
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

// The columns (CSV) or keys (JSON Lines) a table may have. Any other is an error: a misspelt
// column would read as an empty one (a register's `provider` as no provider at all), and the
// decisions made from it would be wrong without a word. Nothing is passed through.
struct Table {
  std::string_view what;                // "the register", in messages
  std::vector<std::string_view> known;  // every name the table may use
  int header_line = 0;                  // set by read_table: the CSV header's line (0: none)
};

std::string unknown_name(std::string_view kind, std::string_view name, const Table& table) {
  if (const std::string hint = detail::nearest(name, table.known); !hint.empty())
    return fmt::format("unknown {} '{}' in {} (did you mean '{}'?)", kind, name, table.what, hint);
  std::string names;
  for (std::size_t k = 0; k < table.known.size(); ++k) {
    if (k == 12) {
      names += ", …";
      break;
    }
    names += (k ? ", " : "") + std::string(table.known[k]);
  }
  return fmt::format("unknown {} '{}' in {} (expected: {})", kind, name, table.what, names);
}

// The 1-based column, in code points as diagnostics count them, of byte `offset` of `text`.
int column_of(std::string_view text, std::size_t offset) {
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return column;
}

// Where each field of a CSV header starts (byte offsets), read as split_csv reads it: a quote
// opens a quoted field only at the start of a field.
std::vector<std::size_t> csv_field_starts(std::string_view row) {
  std::vector<std::size_t> starts = {0};
  bool quoted = false, field_start = true;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const char c = row[i];
    if (quoted) {
      if (c == '"') quoted = false;  // a doubled quote reopens at once: no comma between
    } else if (c == '"' && field_start) {
      quoted = true;
    } else if (c == ',') {
      starts.push_back(i + 1);
      field_start = true;
      continue;
    }
    field_start = false;
  }
  return starts;
}

// Where each key of a JSON object's top level starts (byte offsets), in the order written,
// which is the order simdjson gives the fields in. The text is valid JSON (simdjson read it).
std::vector<std::size_t> json_key_starts(std::string_view json) {
  std::vector<std::size_t> starts;
  int depth = 0;
  bool in_string = false, escaped = false, key_next = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        if (depth == 1 && key_next) starts.push_back(i);
        key_next = false;
        break;
      case '{':
      case '[':
        key_next = ++depth == 1;
        break;
      case '}':
      case ']':
        --depth;
        break;
      case ',':
        key_next = depth == 1;
        break;
      default:
        break;
    }
  }
  return starts;
}

// Reads every record of a table and hands it to `use`; records that cannot be read are errors,
// and so is every column or key that `table` does not know: a CSV header with one makes every
// row an error record (as a survey CSV's does), a JSON Lines record with one is an error record,
// and so is a record that gives a key twice.
void read_table(std::istream& in, std::string_view source, TableFormat format, Table& table,
                std::vector<Issue>& errors, std::size_t& rows,
                const std::function<void(const TableRow&)>& use) {
  const std::string src(source);
  detail::RecordReader reader(in,
                              format == TableFormat::csv ? InputFormat::csv : InputFormat::jsonl);
  detail::RawRecord raw;
  std::vector<std::string> header;
  int& header_line = table.header_line;
  bool header_bad = false;
  auto fail = [&](int line, const std::string& text, std::string message, int column = 1) {
    errors.push_back(
        Issue{Severity::error, std::move(message), "", Location{src, line, column}, clip(text)});
  };
  if (format == TableFormat::csv) {
    if (!reader.next(raw)) return;
    header_line = raw.line;
    auto h = split_csv(raw.text);
    if (!h || !raw.problem.empty()) {
      fail(raw.line, raw.text, "the header row does not read as CSV");
      return;
    }
    header = std::move(*h);
    const auto starts = csv_field_starts(raw.text);
    std::set<std::string> seen;
    for (std::size_t k = 0; k < header.size(); ++k) {
      const std::string& name = header[k];
      const int column = column_of(raw.text, k < starts.size() ? starts[k] : 0);
      const bool known =
          std::find(table.known.begin(), table.known.end(), name) != table.known.end();
      if (!known) {
        fail(raw.line, raw.text, unknown_name("column", name, table), column);
        header_bad = true;
      } else if (!seen.insert(name).second) {
        fail(raw.line, raw.text, fmt::format("column '{}' is named twice", name), column);
        header_bad = true;
      }
    }
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
      if (header_bad) {
        fail(raw.line, raw.text,
             fmt::format("not read: the CSV header on line {} has errors", header_line));
        continue;
      }
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
      const auto starts = csv_field_starts(raw.text);
      for (std::size_t i = 0; i < header.size(); ++i) {
        row.fields.emplace_back(header[i], std::move((*cells)[i]));
        row.columns.push_back(column_of(raw.text, i < starts.size() ? starts[i] : 0));
      }
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
      const auto starts = json_key_starts(raw.text);
      std::map<std::string_view, int> seen;  // key -> its column
      bool bad = false;
      std::size_t k = 0;
      for (auto field : obj) {
        const int column = column_of(raw.text, k < starts.size() ? starts[k] : 0);
        ++k;
        if (std::find(table.known.begin(), table.known.end(), field.key) == table.known.end()) {
          fail(raw.line, raw.text, unknown_name("key", field.key, table), column);
          bad = true;
          continue;
        }
        if (auto [it, fresh] = seen.emplace(field.key, column); !fresh) {
          // The first value would win silently; which one was meant cannot be told.
          fail(raw.line, raw.text,
               fmt::format("key '{}' appears twice in the record (first at column {})", field.key,
                           it->second),
               column);
          bad = true;
          continue;
        }
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
        row.columns.push_back(column);
      }
      if (bad) continue;
    }
    use(row);
  }
}

struct RowChecker {
  const TableRow& row;
  std::string_view source;
  std::vector<Issue> problems;

  void fail(std::string message, int column = 1) {
    problems.push_back(Issue{Severity::error, std::move(message), "",
                             Location{std::string(source), row.line, column}, row.text});
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

// How many records the errors from `first` on belong to: a record with several counts once.
// The CSV header (`header_line`) is not a record: its problems are its rows' errors.
std::size_t records_among(const std::vector<Issue>& errors, std::size_t first,
                          int header_line = 0) {
  std::set<std::pair<std::string_view, int>> records;
  for (std::size_t k = first; k < errors.size(); ++k)
    if (header_line == 0 || errors[k].where.line != header_line)
      records.emplace(errors[k].where.file, errors[k].where.line);
  return records.size();
}

// Each value of a list cell once: `P01|P01` would count an enterprise twice for its provider.
void once_each(RowChecker& c, const std::vector<std::string>& list, std::string_view what,
               const std::string& id) {
  std::set<std::string_view> seen, told;
  for (const auto& v : list)
    if (!seen.insert(v).second && told.insert(v).second)
      c.fail(fmt::format("{} '{}' is listed twice for enterprise '{}'", what, v, id));
}

// An evidence answer: yes/no in any ASCII case, true/false, 1/0, 是/否, blanks around it
// ignored; empty is no. Anything else: nothing.
std::optional<bool> yes_no(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string low(v);
  for (auto& ch : low)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  if (low == "yes" || low == "true" || low == "1" || low == "是") return true;
  if (low.empty() || low == "no" || low == "false" || low == "0" || low == "否") return false;
  return std::nullopt;
}

}  // namespace

Pilot::Pilot(const Programme& programme, const Engine& engine)
    : s_(std::make_unique<State>(programme, engine)) {
  // The driver reports these located, before it gets here; a caller of its own is stopped too.
  const auto problems = detail::check_programme(programme, engine.rules());
  if (has_errors(problems)) {
    std::string text;
    for (const auto& p : problems) text += p.to_string();
    throw std::invalid_argument(text);
  }
}
Pilot::~Pilot() = default;
Pilot::Pilot(Pilot&&) noexcept = default;

const std::vector<Issue>& Pilot::errors() const noexcept { return s_->errors; }
const PilotCounts& Pilot::counts() const noexcept { return s_->counts; }
const Programme& Pilot::programme() const noexcept { return s_->programme; }
const RuleSet& Pilot::rules() const noexcept { return s_->engine.rules(); }

void Pilot::add_providers(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  Table table{"the providers", {"id", "name"}};
  std::size_t& rows = s.counts.providers_rows;
  read_table(in, source, format, table, s.errors, rows, [&](const TableRow& row) {
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
  s.counts.error_records += records_among(s.errors, first_error, table.header_line);
}

void Pilot::add_register(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  Table table{"the register",
              {"id", "name", "industry", "district", "batch", "tags", "providers", "contract_date",
               "planned_end", "investment", "solutions"}};
  read_table(in, source, format, table, s.errors, s.counts.register_rows, [&](const TableRow& row) {
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
    once_each(c, e.tags, "tag", e.id);
    once_each(c, e.providers, "provider", e.id);
    once_each(c, e.solutions, "solution", e.id);
    if (e.contract_date && e.planned_end && *e.planned_end < *e.contract_date)
      c.fail(fmt::format("planned_end {} is before contract_date {}", e.planned_end->to_string(),
                         e.contract_date->to_string()));
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    // With a catalogue, a solution should be one of its product ids; a register may also name
    // its solutions in words (安全生产监测), so one that is not is a warning, not a bad record.
    if (s.catalogue) {
      for (const auto& sol : e.solutions) {
        if (s.catalogue->find_product(sol)) continue;
        std::vector<std::string_view> ids;
        for (const auto& p : s.catalogue->products) ids.push_back(p.id);
        std::string hint;  // a product named as written, else the nearest id
        for (const auto& p : s.catalogue->products)
          if (hint.empty() && p.name == sol) hint = p.id;
        if (hint.empty()) hint = detail::nearest(sol, ids);
        s.solution_warnings.push_back(Issue{
            Severity::warning,
            fmt::format("solution '{}' of enterprise '{}' is not a product of catalogue {}{}", sol,
                        e.id, s.catalogue->id,
                        hint.empty() ? std::string(" (expected product ids)")
                                     : fmt::format(" (did you mean '{}'?)", hint)),
            "", Location{std::string(source), row.line, row.column_of("solutions")}, row.text});
      }
    }
    s.index.emplace(e.id, s.enterprises.size());
    s.enterprises.push_back(std::move(e));
  });
  s.counts.enterprises = s.enterprises.size();
  s.evidence.resize(s.enterprises.size());
  s.evidence_where.resize(s.enterprises.size());
  s.baseline.resize(s.enterprises.size());
  s.acceptance.resize(s.enterprises.size());
  if (s.catalogue) s.baseline_coded.resize(s.enterprises.size());
  s.selected_where.resize(s.enterprises.size());
  s.counts.error_records += records_among(s.errors, first_error, table.header_line);
}

void Pilot::add_evidence(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  const auto& ev = s.programme.evidence;
  Table table{"the evidence", {"enterprise_id"}};
  for (const auto& e : ev) table.known.push_back(e.id);
  read_table(in, source, format, table, s.errors, s.counts.evidence_rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    const std::string id = c.required("enterprise_id");
    auto it = id.empty() ? s.index.end() : s.index.find(id);
    if (!id.empty() && it == s.index.end())
      c.fail(fmt::format("evidence for enterprise '{}', which is not in the register", id));
    // One flag per item, however many the programme lists.
    std::vector<bool> provided(ev.size());
    std::vector<Issue> cell_errors;
    for (const auto& [k, v] : row.fields) {
      if (k == "enterprise_id") continue;
      // A named copy: clang 14 cannot capture a structured binding in a lambda.
      const std::string& key = k;
      // Every key is an item: read_table refused the others.
      const auto e =
          std::find_if(ev.begin(), ev.end(), [&](const EvidenceItem& x) { return x.id == key; });
      if (e == ev.end()) continue;
      // yes/no in any case (YES, Yes), true/false, 1/0, 是/否, blanks around them ignored.
      const auto answer = yes_no(v);
      if (answer) {
        provided[static_cast<std::size_t>(e - ev.begin())] = *answer;
      } else {
        // This cell only: the item counts as not provided, the rest of the record is kept.
        cell_errors.push_back(Issue{
            Severity::error,
            fmt::format(
                "evidence '{}' is '{}' (expected yes or no: yes/no, true/false, 1/0, 是/否)", k, v),
            "", Location{std::string(source), row.line, row.column_of(key)}, row.text});
      }
    }
    if (it != s.index.end() && s.evidence_where[it->second].known())
      c.fail(fmt::format("duplicate evidence record for enterprise '{}' (first on line {})", id,
                         s.evidence_where[it->second].line));
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    for (auto& p : cell_errors) s.errors.push_back(std::move(p));
    s.evidence[it->second] = std::move(provided);
    s.evidence_where[it->second] = Location{std::string(source), row.line, 1};
  });
  s.counts.error_records += records_among(s.errors, first_error, table.header_line);
}

void Pilot::add_satisfaction(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  const Programme& prog = s.programme;
  Table table{"the satisfaction ratings", {"enterprise_id", "provider_id"}};
  for (const auto& item : prog.satisfaction) table.known.push_back(item.id);
  std::size_t& rows = s.counts.satisfaction_rows;
  read_table(in, source, format, table, s.errors, rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    const std::string id = c.required("enterprise_id");
    const std::string provider = c.required("provider_id");
    auto it = id.empty() ? s.index.end() : s.index.find(id);
    if (!id.empty() && it == s.index.end())
      c.fail(fmt::format("a rating by enterprise '{}', which is not in the register", id));
    auto pit = provider.empty() ? s.provider_index.end() : s.provider_index.find(provider);
    if (!provider.empty() && pit == s.provider_index.end())
      c.fail(fmt::format("unknown provider '{}'", provider));
    const bool both = it != s.index.end() && pit != s.provider_index.end();
    if (both) {
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
      // A number on the scale, whole or with up to 3 decimals (3.5: a half step), read exactly.
      const auto score = Decimal::parse(*v);
      const int column = row.column_of(item.id);
      if (!score) {
        c.fail(fmt::format("satisfaction '{}' is '{}', not a number (expected {}–{}, at most 3 "
                           "decimals)",
                           item.id, *v, prog.satisfaction_min, prog.satisfaction_max),
               column);
        continue;
      }
      if (*score < Decimal::from_int(prog.satisfaction_min) ||
          Decimal::from_int(prog.satisfaction_max) < *score) {
        c.fail(fmt::format("satisfaction '{}' is '{}', outside the scale {}–{}", item.id, *v,
                           prog.satisfaction_min, prog.satisfaction_max),
               column);
        continue;
      }
      r.scores.push_back(score->thousandths());
    }
    // One rating per enterprise and provider: a second would weigh twice in the mean.
    const std::pair<std::size_t, std::size_t> key{both ? it->second : 0, both ? pit->second : 0};
    if (auto first = s.rating_where.find(key); both && first != s.rating_where.end())
      c.fail(fmt::format("a second rating of provider '{}' by enterprise '{}' (first at {}:{})",
                         provider, id, first->second.file, first->second.line));
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    s.rating_where.emplace(key, Location{std::string(source), row.line, 1});
    r.enterprise = it->second;
    r.provider = pit->second;
    s.ratings.push_back(std::move(r));
  });
  s.counts.error_records += records_among(s.errors, first_error, table.header_line);
}

void Pilot::add_selected(std::istream& in, std::string_view source, TableFormat format) {
  State& s = *s_;
  const std::size_t first_error = s.errors.size();
  Table table{"the selected cases", {"enterprise_id"}};
  read_table(in, source, format, table, s.errors, s.counts.selected_rows, [&](const TableRow& row) {
    RowChecker c{row, source, {}};
    const std::string id = c.required("enterprise_id");
    auto it = id.empty() ? s.index.end() : s.index.find(id);
    if (!id.empty() && it == s.index.end())
      c.fail(fmt::format("a selected case '{}', which is not in the register", id));
    else if (it != s.index.end() && s.selected_where[it->second].known())
      c.fail(fmt::format("enterprise '{}' is selected twice (first on line {})", id,
                         s.selected_where[it->second].line));
    if (!c.problems.empty()) {
      for (auto& p : c.problems) s.errors.push_back(std::move(p));
      return;
    }
    s.selected_where[it->second] = Location{std::string(source), row.line, 1};
  });
  s.counts.error_records += records_among(s.errors, first_error, table.header_line);
}

void Pilot::set_catalogue(std::shared_ptr<const Catalogue> catalogue, unsigned threads) {
  s_->catalogue = std::move(catalogue);
  s_->match_threads = threads;
  s_->baseline_coded.assign(s_->catalogue ? s_->enterprises.size() : 0, std::nullopt);
}

void Pilot::add_surveys(std::istream& in, std::string_view source, InputFormat format,
                        const Engine* engine, unsigned threads) {
  State& s = *s_;
  s.threads = threads;
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
  // Per survey of the block: a baseline under the programme's rule set, which the 改造需求清单
  // keeps when it is below the target level.
  std::vector<bool> keep;
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
      if (keep[r] && snap.level < s.programme.target_level) {
        // Grouped by the register's industry, whatever the survey says.
        CodedSurvey& kept = s.below_coded.emplace_back(std::move(block[r]));
        const std::string& industry = s.enterprises[slots[r].second].industry;
        bool has = false;
        for (auto& [k, v] : kept.enterprise)
          if (k == "industry") {
            v = industry;
            has = true;
          }
        if (!has) kept.enterprise.emplace_back("industry", industry);
        s.below_who.push_back(slots[r].second);
      }
    }
    block.clear();
    slots.clear();
    keep.clear();
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
        // Kept for the match only when it can be matched: scored under the programme's rule
        // set, which the catalogue was loaded against.
        if (s.catalogue && phase == "baseline" && &eng == &s.engine)
          s.baseline_coded[it->second] = coded;
        block.push_back(coded);
        slots.emplace_back(&slot, it->second);
        // The same rule set given again (FILE@RULES) codes the same way: its surveys line up,
        // as the acceptance's comparison takes them.
        keep.push_back(
            phase == "baseline" &&
            (&eng == &s.engine || (rules.meta.id == s.engine.rules().meta.id &&
                                   rules.meta.version == s.engine.rules().meta.version)));
        if (block.size() == 1024) flush();
      },
      options);
  if (!block.empty()) flush();
  for (const auto& f : summary.fatal) s.errors.push_back(f);
}

}  // namespace smedx

// The table reader for inputs read in other files of the room (pilot_table.h).
namespace smedx::detail {

void read_pilot_table(std::istream& in, std::string_view source, TableFormat format,
                      std::string_view what, const std::vector<std::string_view>& known,
                      std::vector<Issue>& errors, std::size_t& rows, int& header_line,
                      const std::function<void(const TableRow&)>& use) {
  Table table{what, known};
  read_table(in, source, format, table, errors, rows, use);
  header_line = table.header_line;
}

std::size_t error_records_among(const std::vector<Issue>& errors, std::size_t first,
                                int header_line) {
  return records_among(errors, first, header_line);
}

}  // namespace smedx::detail
