// What the binding files share: the registration function of each area.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "smedx/engine.h"
#include "smedx/load.h"

namespace smedx::python {

// A loaded rule set and, when it is clean, its compiled engine.
struct Loaded {
  LoadResult result;
  std::shared_ptr<const Engine> engine;

  // The engine, or a Python ValueError when the rule set did not load cleanly.
  const Engine& checked_engine() const;
};

MissingPolicy missing_policy(const std::string& name);

void bind_rules(pybind11::module_& m);
void bind_scoring(pybind11::module_& m);
void bind_columnar(pybind11::module_& m);
void bind_diagnosis(pybind11::module_& m);
void bind_pilot(pybind11::module_& m);

}  // namespace smedx::python
