// The column rule of survey tables, shared by the CSV reader and score_frame.
#include <doctest/doctest.h>

#include "smedx/columns.h"
#include "smedx/load.h"

namespace {

const smedx::RuleSet& rules() {
  static const smedx::LoadResult r = smedx::load_rules(SMEDX_SOURCE_DIR "/indicators/miit-2024");
  return r.rules();
}

using Kind = smedx::TableColumn::Kind;

}  // namespace

TEST_SUITE("columns") {
  TEST_CASE("columns.ids, codes, enterprise fields and pass-through columns") {
    const auto t = smedx::classify_columns(
        {"enterprise_id", " name ", "industry", "network", "F2", "S07", "contact_phone"}, rules());
    CHECK(t.errors.empty());
    REQUIRE(t.columns.size() == 7);
    CHECK(t.columns[0].kind == Kind::enterprise_id);
    CHECK(t.columns[1].kind == Kind::field);
    CHECK(t.columns[1].name == "name");
    CHECK(t.columns[3].kind == Kind::item);
    CHECK(t.columns[4].kind == Kind::item);
    CHECK(t.columns[4].id == "equipment_digitization");
    CHECK(t.columns[5].kind == Kind::scenario);
    CHECK(t.columns[5].id == "quality");
    CHECK(t.columns[6].kind == Kind::field);
    CHECK(t.columns[6].id == "contact_phone");
  }

  TEST_CASE("columns.a name two edits from an item or scenario is an error with a hint") {
    const auto t =
        smedx::classify_columns({"enterprise_id", "netwrk", "qualty", "remarks"}, rules());
    REQUIRE(t.errors.size() == 2);
    CHECK(t.errors[0] == "unknown column 'netwrk' (did you mean 'network'?)");
    CHECK(t.errors[1] == "unknown column 'qualty' (did you mean 'quality'?)");
  }

  TEST_CASE("columns.a name one edit from an enterprise field a reader interprets is an error") {
    // issue 21: a misspelt industry fell to the default profile, a misspelt pilot date left the
    // survey undated, and nothing said why.
    const auto t = smedx::classify_columns({"enterprise_id", "industy", "distirct", "assesed_on",
                                            "phse", "targte", "date", "names", "industries"},
                                           rules());
    REQUIRE(t.errors.size() == 4);
    CHECK(t.errors[0] == "unknown column 'industy' (did you mean 'industry'?)");
    CHECK(t.errors[1] == "unknown column 'distirct' (did you mean 'district'?)");
    CHECK(t.errors[2] == "unknown column 'assesed_on' (did you mean 'assessed_on'?)");
    CHECK(t.errors[3] == "unknown column 'targte' (did you mean 'target'?)");
    // `phse` is four letters; `date`, `names` and `industries` are a column's own names.
    const auto id = smedx::classify_columns({"enterprise_di", "name"}, rules());
    REQUIRE(id.errors.size() == 2);
    CHECK(id.errors[0] == "unknown column 'enterprise_di' (did you mean 'enterprise_id'?)");
    CHECK(id.errors[1] == "no 'enterprise_id' column");
  }

  TEST_CASE("columns.a column named twice, by id and code, and no enterprise_id") {
    const auto t = smedx::classify_columns({"network", "F1"}, rules());
    REQUIRE(t.errors.size() == 2);
    CHECK(t.errors[0] == "column 'F1' appears twice");
    CHECK(t.errors[1] == "no 'enterprise_id' column");
  }
}
