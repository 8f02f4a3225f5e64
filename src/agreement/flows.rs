//! The checked forms where payments feed payments: waterfalls and their
//! steps, withholding and reserves (terms-v2 items 5 to 9).

use std::ops::Range;

use rust_decimal::Decimal;

use super::{Basis, ClauseId, PartyId, Span};
pub use crate::syntax::ast::Release;

/// `waterfall of gross_receipts { ... }`: its steps are clauses of the
/// agreement, one per payee (a split has one per part), in priority order.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    /// As written, or `waterfall of gross_receipts`.
    pub label: String,
    pub basis: Basis,
    /// The clauses of its steps, contiguous and in order.
    pub clauses: Range<ClauseId>,
    pub span: Span,
}

/// One step of a waterfall, as a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    /// Index into [`super::Agreement::waterfalls`].
    pub waterfall: usize,
    /// The step's number in the waterfall, from 1, as the statement says it.
    pub step: usize,
    pub form: PriorityForm,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PriorityForm {
    /// `30% to Distributor`: a share of the waterfall's basis, off the top.
    Share(Decimal),
    /// `recoup expenses to Distributor cap 5M`: the costs of each period
    /// and those not yet covered, at most `cap` over the deal's life.
    Recoup { costs: Basis, cap: Option<Decimal> },
    /// `rest to Financier until received 12M`; `None`: everything left.
    Rest { until: Option<Decimal> },
    /// `pay 500K to Bank`: a fixed amount, until paid.
    Pay(Decimal),
    /// One part of `split 50% to Financier, 50% to Producer`: its rate of
    /// what reached the split; the last part takes the rest.
    Split { rate: Decimal, last: bool },
}

/// `withhold 30% of payments to Artist for TaxAuthority`: the clause's payer
/// pays the clause's payee (TaxAuthority) this part of every payment it
/// makes to `party`.
#[derive(Debug, Clone, PartialEq)]
pub struct Withholding {
    pub rate: Decimal,
    /// Whose payments are withheld from.
    pub party: PartyId,
}

/// `reserve 25% released over 2 periods`: held back from a share's
/// earnings each period and released later.
#[derive(Debug, Clone, PartialEq)]
pub struct Reserve {
    pub rate: Decimal,
    pub release: Release,
    pub periods: u32,
    pub span: Span,
}
