//! Tables across the Arrow C stream interface: any Python object with an
//! `__arrow_c_stream__` method (a pyarrow Table, a polars DataFrame, a
//! pandas DataFrame from 2.2) is read as record batches without a copy,
//! and statements go back as a stream pyarrow reads (`pa.table(stream)`).
//! <https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>

use std::ffi::CStr;
use std::sync::Mutex;

use arrow_array::RecordBatch;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The capsule name the protocol gives an `ArrowArrayStream`.
const STREAM: &CStr = c"arrow_array_stream";

/// A table read whole: its schema and batches.
pub struct Table {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// Reads the table `object` exports through `__arrow_c_stream__`.
pub fn import(object: &Bound<'_, PyAny>) -> PyResult<Table> {
    if !object.hasattr("__arrow_c_stream__")? {
        return Err(PyTypeError::new_err(format!(
            "a series table must be a pyarrow Table, a polars or pandas DataFrame, or a path; got {}",
            object.get_type().name()?
        )));
    }
    let capsule = object.call_method1("__arrow_c_stream__", (object.py().None(),))?;
    let capsule = capsule.cast_into::<PyCapsule>()?;
    let pointer = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: the capsule is named `arrow_array_stream`, so by the protocol
    // it points at a valid `ArrowArrayStream`, which `from_raw` moves out
    // of (marking the capsule's released, so it is not released twice).
    let reader = unsafe { RecordBatchStreamReader::from_raw(pointer.as_ptr().cast()) }
        .map_err(arrow_error)?;
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(arrow_error)?;
    Ok(Table { schema, batches })
}

/// A table going back to Python: one use of `__arrow_c_stream__`, which
/// pyarrow and polars read (`pa.table(stream)`, `pl.from_arrow(stream)`).
#[pyclass(module = "dealterms._dealterms", frozen)]
pub struct ArrowStream {
    stream: Mutex<Option<FFI_ArrowArrayStream>>,
}

impl ArrowStream {
    /// The stream of one batch.
    pub fn of(batch: RecordBatch) -> ArrowStream {
        let schema = batch.schema();
        ArrowStream::of_batches(schema, vec![batch])
    }

    /// The stream of these batches, all of `schema`.
    pub fn of_batches(schema: SchemaRef, batches: Vec<RecordBatch>) -> ArrowStream {
        let reader = arrow_array::RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
        ArrowStream {
            stream: Mutex::new(Some(FFI_ArrowArrayStream::new(Box::new(reader)))),
        }
    }
}

#[pymethods]
impl ArrowStream {
    /// The stream, for a consumer to take; a schema asked for is not
    /// honoured (the protocol allows it): the table is as it is.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let stream = self
            .stream
            .lock()
            .map_err(|_| PyValueError::new_err("the statement's table was lost"))?
            .take()
            .ok_or_else(|| PyValueError::new_err("the statement's table was already read"))?;
        PyCapsule::new_with_value(py, stream, STREAM)
    }
}

pub fn arrow_error(error: ArrowError) -> PyErr {
    PyValueError::new_err(format!("reading the table: {error}"))
}
