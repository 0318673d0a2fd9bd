// smedx._core: the compiled core under the pure-Python smedx package.
#include "bindings.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "Compiled core of smedx; use the smedx package instead.";
  m.attr("__version__") = SMEDX_VERSION;
  smedx::python::bind_rules(m);
  smedx::python::bind_scoring(m);
  smedx::python::bind_columnar(m);
  smedx::python::bind_diagnosis(m);
  smedx::python::bind_pilot(m);
  smedx::python::bind_match(m);
}
