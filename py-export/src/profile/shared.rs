//! One profile per process, seen from Python: `performance_timing._native` exports its
//! runtime's table as the capsule `_PROFILE_API`; another extension's `add_profile_api`
//! imports it and attaches its own runtime (see `timing_runtime::profile::shared`).

use std::ffi::c_void;

use pyo3::exceptions::{PyModuleNotFoundError, PyRuntimeWarning};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3::{PyTypeInfo, ffi};
use timing_runtime::profile::shared::{self, Attached, CAPSULE_NAME, ProfileApi};

/// The names `add_profile_api` gives a guest module: the host's objects once attached.
const PROFILE_NAMES: [&str; 8] = [
    "snapshot",
    "reset",
    "set_enabled",
    "is_enabled",
    "dump",
    "load_dir",
    "Snapshot",
    "Record",
];

/// Adds the capsule `_PROFILE_API` (this runtime's table) to the host module.
pub fn export(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let table: *const ProfileApi = shared::api();
    // SAFETY: the table is a static of this library, never freed (no destructor); the name
    // is a static C string, as the capsule requires for its lifetime.
    let capsule = unsafe {
        let raw = ffi::PyCapsule_New(
            table.cast_mut().cast::<c_void>(),
            CAPSULE_NAME.as_ptr(),
            None,
        );
        Bound::from_owned_ptr_or_err(module.py(), raw)?.cast_into_unchecked::<PyCapsule>()
    };
    module.add("_PROFILE_API", capsule)
}

/// What [`attach`] found.
pub enum Host {
    /// This extension now records into performance_timing's profile.
    Attached,
    /// performance_timing is not installed: the extension keeps its own profile.
    None,
    /// A host that this extension cannot use (warned once): it keeps its own profile.
    Refused,
}

/// Imports performance_timing (if installed) and attaches this library's runtime to it; on
/// success the module's profile names are the host's objects.
pub fn attach(module: &Bound<'_, PyModule>) -> PyResult<Host> {
    let py = module.py();
    if let Err(err) = py.import("performance_timing") {
        let missing = err.is_instance_of::<PyModuleNotFoundError>(py)
            && err
                .value(py)
                .getattr("name")
                .and_then(|n| n.extract::<String>())
                .is_ok_and(|n| n == "performance_timing");
        if missing {
            return Ok(Host::None);
        }
        warn(
            module,
            &format!(
                "performance_timing could not be imported ({err}): \
                 this extension's #[timed] functions keep a profile of their own"
            ),
        )?;
        return Ok(Host::Refused);
    }
    // SAFETY: a plain C API call with a static name (the module is imported already).
    let pointer = unsafe { ffi::PyCapsule_Import(CAPSULE_NAME.as_ptr(), 0) };
    if pointer.is_null() {
        let err = PyErr::take(py).unwrap_or_else(|| {
            PyModuleNotFoundError::new_err("performance_timing's profile API is missing")
        });
        warn(
            module,
            &format!(
                "this performance_timing has no profile API to share ({err}): \
                 this extension's #[timed] functions keep a profile of their own"
            ),
        )?;
        return Ok(Host::Refused);
    }
    // SAFETY: the capsule of that name holds a table made by `shared::api()` of the host's
    // runtime, a static of a library Python never unloads.
    match unsafe { shared::attach(pointer.cast::<ProfileApi>()) } {
        // performance_timing's own library: its own names are the host's already.
        Ok(Attached::Itself) => Ok(Host::None),
        Ok(Attached::Attached | Attached::AlreadyAttached) => {
            let host = py.import("performance_timing._native")?;
            for name in PROFILE_NAMES {
                module.add(name, host.getattr(name)?)?;
            }
            Ok(Host::Attached)
        }
        Err(e) => {
            warn(module, &e.to_string())?;
            Ok(Host::Refused)
        }
    }
}

/// A `RuntimeWarning` naming the extension (once per import of it).
fn warn(module: &Bound<'_, PyModule>, message: &str) -> PyResult<()> {
    let name = module.name()?;
    let text =
        std::ffi::CString::new(format!("{name}: {message}").replace('\0', " ")).unwrap_or_default();
    PyErr::warn(
        module.py(),
        &PyRuntimeWarning::type_object(module.py()),
        &text,
        1,
    )
}
