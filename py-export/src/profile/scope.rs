//! `_Scope`: a named scope of Python code in the global profile, the native base of
//! `performance_timing.timed`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use timing_runtime::profile::{self, CallSite};

use crate::args;
use crate::errors::no_open_scope;

/// A named scope of Python code in the global profile, interned by ``(module, name)``; the
/// native base of ``performance_timing.timed``. As a context manager it records the block;
/// ``enter()``/``exit()`` do the same for the decorator's wrapper. Scopes nest, may be re-entered
/// (recursion) and are per thread: one must end on the thread that started it.
#[pyclass(
    frozen,
    subclass,
    module = "performance_timing._native",
    name = "_Scope"
)]
pub struct PyScope {
    site: Option<&'static CallSite>,
}

impl PyScope {
    fn site(&self) -> PyResult<&'static CallSite> {
        self.site.ok_or_else(|| {
            PyTypeError::new_err("timed() needs a name when used as a context manager")
        })
    }
}

#[pymethods]
impl PyScope {
    #[new]
    #[pyo3(signature = (module, name = None))]
    fn new(module: &Bound<'_, PyAny>, name: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let module = args::string(module, "module")?;
        let site = match name {
            Some(name) => Some(profile::intern(&module, &args::string(name, "name")?)),
            None => None,
        };
        if let Some(site) = site {
            // First-call set-up now, so a decorated function's first call is not an outlier.
            profile::prepare(site);
        }
        Ok(Self { site })
    }

    /// The scope's name (``None`` for an unnamed ``timed()`` decorator factory).
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.site.and_then(CallSite::explicit_name)
    }

    /// Starts the scope on the calling thread.
    fn enter(&self) -> PyResult<()> {
        profile::enter_scope(self.site()?);
        Ok(())
    }

    /// Ends and records the innermost open scope of this name on the calling thread
    /// (``RuntimeError`` when there is none, e.g. on another thread).
    fn exit(&self) -> PyResult<()> {
        profile::exit_scope(self.site()?).map_err(no_open_scope)
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().enter()?;
        Ok(slf)
    }

    #[pyo3(signature = (_exc_type = None, _exc_value = None, _traceback = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.exit()?;
        Ok(false)
    }
}
