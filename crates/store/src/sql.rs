//! SQL text shared by the store's modules: placeholder lists for bulk
//! statements and transaction-level locks.
use crate::{Dialect, StoreError, Tx};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use std::fmt::Write as _;

/// Most bound parameters in one statement (PostgreSQL allows 65,535).
pub(crate) const MAX_PARAMS: usize = 30_000;

/// Most rows (or `IN` list entries) in one bulk statement.
const MAX_ROWS: usize = 1024;

/// `items` cut into chunks for bulk statements of at most `most` rows each
/// (and at most [`MAX_ROWS`]). Chunk lengths are powers of four, largest
/// first, so the SQL text of a statement takes one of a handful of shapes:
/// each is prepared once per connection and reused from its statement cache,
/// where chunks of whatever length a batch happens to have would prepare a
/// new statement of thousands of parameters for almost every batch.
pub(crate) fn ladder<T>(items: &[T], most: usize) -> Ladder<'_, T> {
    let most = most.clamp(1, MAX_ROWS);
    let mut top = 1;
    while top * 4 <= most {
        top *= 4;
    }
    Ladder { rest: items, top }
}

/// The chunks of [`ladder`].
pub(crate) struct Ladder<'a, T> {
    rest: &'a [T],
    top: usize,
}

impl<'a, T> Iterator for Ladder<'a, T> {
    type Item = &'a [T];

    fn next(&mut self) -> Option<&'a [T]> {
        if self.rest.is_empty() {
            return None;
        }
        let mut size = self.top;
        while size > self.rest.len() {
            size /= 4;
        }
        let (chunk, rest) = self.rest.split_at(size);
        self.rest = rest;
        Some(chunk)
    }
}

/// `$first, …, $first+n-1`: for lists inside a statement that has other
/// numbered parameters too.
pub(crate) fn numbered(first: usize, n: usize) -> String {
    let mut sql = String::with_capacity(n * 7);
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "${}", first + i);
    }
    sql
}

/// `n` placeholders numbered from `first`, for a statement whose only
/// parameters they are. On SQLite they are anonymous (`?`): its parser looks
/// every numbered parameter up in a list of those seen so far, quadratic in a
/// statement of thousands (28,000 `$N` took ~2 s to prepare, `?` ~30 ms).
/// Anonymous parameters bind in order, so callers bind as for `$first…`.
pub(crate) fn placeholders(dialect: Dialect, first: usize, n: usize) -> String {
    match dialect {
        Dialect::Sqlite => vec!["?"; n].join(", "),
        Dialect::Postgres => numbered(first, n),
    }
}

/// `($1, …, $c), ($c+1, …), …` for `rows` rows of `columns` columns (see
/// [`placeholders`]).
pub(crate) fn value_rows(dialect: Dialect, columns: usize, rows: usize) -> String {
    value_rows_with_reals(dialect, 1, columns, rows, &[])
}

/// A nullable floating-point parameter for the columns [`value_rows_with_reals`]
/// names: NULL travels as NaN, which the SQL turns back into NULL. sqlx
/// 0.8.6's Any driver sends a NULL `f64` to PostgreSQL as a 4-byte float
/// (see [`Tx::caches_nullable_floats`]), so a cached statement first run with
/// a NULL there would reject a real value later; a NaN is a real `f64`, so the
/// statement stays cacheable. On SQLite a bound NaN is NULL already. (A score
/// is never NaN.)
pub(crate) fn real_or_nan(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

/// [`value_rows`] numbered from `first` (after other parameters), with the
/// columns at `reals` (from 0) written as `NULLIF(p, 'NaN')`, for values
/// bound with [`real_or_nan`].
pub(crate) fn value_rows_with_reals(
    dialect: Dialect,
    first: usize,
    columns: usize,
    rows: usize,
    reals: &[usize],
) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            let real = reals.contains(&column);
            if real {
                sql.push_str("NULLIF(");
            }
            match dialect {
                Dialect::Sqlite => sql.push('?'),
                Dialect::Postgres => {
                    let _ = write!(sql, "${}", first + row * columns + column);
                }
            }
            if real {
                sql.push_str(", 'NaN')");
            }
        }
        sql.push(')');
    }
    sql
}

impl Tx {
    /// Whether a statement binding an optional `f64` may be cached on its
    /// connection. Not on PostgreSQL: sqlx 0.8.6's Any driver sends a NULL
    /// `f64` as a 4-byte float (sqlx-postgres `any.rs`, `Null(Double)` →
    /// `Option<f32>`), so a statement first prepared with a NULL would reject
    /// a real value later on the same connection ("incorrect binary data
    /// format"). Such statements are prepared afresh there instead.
    pub(crate) fn caches_nullable_floats(&self) -> bool {
        self.dialect != Dialect::Postgres
    }

    /// Whether an `IN`-list lookup may stay prepared on its connection. Not
    /// on PostgreSQL: after five runs it may switch a prepared statement to
    /// a generic plan chosen with the statistics of that moment, and a
    /// generic `IN ($2, …)` cannot hash its list: a lookup first run while
    /// its table was small keeps scanning the table as it grows, comparing
    /// each row with every parameter (seen: a TAXII POST into a
    /// 290,000-object collection spent over a second per 1,000 ids, until
    /// statistics were gathered). Unprepared, each lookup is planned with
    /// its values.
    pub(crate) fn keeps_lookups_prepared(&self) -> bool {
        self.dialect != Dialect::Postgres
    }

    /// Runs `select` (SQL with one `{}` where the `IN` list goes, and no
    /// other parameters) for `keys`, `chunk` keys per statement, and
    /// returns every row.
    pub(crate) async fn fetch_in<K: AsRef<str>>(
        &mut self,
        select: &str,
        keys: &[K],
        chunk: usize,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let mut out = Vec::new();
        for part in ladder(keys, chunk) {
            let sql = select.replace("{}", &placeholders(self.dialect, 1, part.len()));
            let mut query = sqlx::query(&sql).persistent(self.keeps_lookups_prepared());
            for key in part {
                query = query.bind(key.as_ref());
            }
            out.extend(query.fetch_all(&mut *self.tx).await?);
        }
        Ok(out)
    }

    /// Like [`Tx::fetch_in`] for `SELECT {columns} {from_where}`, but the
    /// database folds each chunk's rows into one JSON array of arrays,
    /// decoded here as `T` (a tuple of the columns' types, in order).
    /// Thousands of rows then cross the driver as one value: an `Any` row
    /// costs ~13 µs (its conversion, and on SQLite a hand-off from the
    /// connection's worker thread) — 120 ms for the 9,000 holders of a
    /// popular package, which SQLite itself reads in 12 ms.
    pub(crate) async fn fetch_in_json<K: AsRef<str>, T: DeserializeOwned>(
        &mut self,
        columns: &str,
        from_where: &str,
        keys: &[K],
        chunk: usize,
    ) -> Result<Vec<T>, StoreError> {
        let select = json_fold(self.dialect, columns, from_where);
        let mut out = Vec::new();
        for part in ladder(keys, chunk) {
            let sql = select.replace("{}", &placeholders(self.dialect, 1, part.len()));
            let mut query =
                sqlx::query_scalar::<_, String>(&sql).persistent(self.keeps_lookups_prepared());
            for key in part {
                query = query.bind(key.as_ref());
            }
            out.extend(json_rows::<T>(&query.fetch_one(&mut *self.tx).await?)?);
        }
        Ok(out)
    }

    /// Like [`Tx::fetch_in_json`], but the whole list travels as one JSON
    /// array parameter, unpacked by the database (`{}` becomes `SELECT value
    /// FROM json_each(?)` on SQLite, `json_array_elements_text` on
    /// PostgreSQL), so any number of keys is one statement of one
    /// parameter. For intake's lookups of tens of thousands of keys: binding
    /// a parameter costs more than the database's probe, and PostgreSQL
    /// plans a 1,000-parameter list anew every time (see
    /// [`Tx::keeps_lookups_prepared`]), where this statement is planned in
    /// microseconds. `before` binds the parameters that come before the
    /// list's in `from_where`, written with [`placeholders`] (on SQLite an
    /// anonymous `?` after a numbered `$1` would take the first argument
    /// again); on PostgreSQL the list's is the next number.
    pub(crate) async fn fetch_json_list<K: AsRef<str>, T: DeserializeOwned>(
        &mut self,
        columns: &str,
        from_where: &str,
        before: &[&str],
        keys: &[K],
    ) -> Result<Vec<T>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
        let list = serde_json::to_string(&list).map_err(|e| StoreError::Corrupt {
            column: "(json list)",
            message: e.to_string(),
        })?;
        let unpacked = match self.dialect {
            Dialect::Sqlite => "SELECT value FROM json_each(?)".to_owned(),
            Dialect::Postgres => format!(
                "SELECT value FROM json_array_elements_text(${}::json)",
                before.len() + 1
            ),
        };
        let sql = json_fold(self.dialect, columns, &from_where.replace("{}", &unpacked));
        let mut query =
            sqlx::query_scalar::<_, String>(&sql).persistent(self.keeps_lookups_prepared());
        for value in before {
            query = query.bind(*value);
        }
        json_rows(&query.bind(list).fetch_one(&mut *self.tx).await?)
    }

    /// Serialises the transactions that take the lock `key` until they end
    /// (a PostgreSQL transaction-level advisory lock; SQLite transactions
    /// that write already exclude each other).
    pub(crate) async fn xact_lock(&mut self, key: i64) -> Result<(), StoreError> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(key)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}

/// `SELECT {columns} {from_where}` with the rows folded into one JSON array
/// of arrays (text), `[]` when there are none.
fn json_fold(dialect: Dialect, columns: &str, from_where: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("SELECT json_group_array(json_array({columns})) {from_where}"),
        Dialect::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array({columns})), '[]')::text {from_where}"
        ),
    }
}

/// Decodes the rows [`json_fold`] folded.
pub(crate) fn json_rows<T: DeserializeOwned>(json: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        column: "(json rows)",
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_per_dialect() {
        assert_eq!(placeholders(Dialect::Postgres, 3, 2), "$3, $4");
        assert_eq!(placeholders(Dialect::Sqlite, 3, 2), "?, ?");
        assert_eq!(value_rows(Dialect::Postgres, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(value_rows(Dialect::Sqlite, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(numbered(2, 3), "$2, $3, $4");
        assert_eq!(
            value_rows_with_reals(Dialect::Postgres, 2, 2, 2, &[1]),
            "($2, NULLIF($3, 'NaN')), ($4, NULLIF($5, 'NaN'))"
        );
        assert_eq!(
            value_rows_with_reals(Dialect::Sqlite, 2, 2, 1, &[0]),
            "(NULLIF(?, 'NaN'), ?)"
        );
    }

    #[test]
    fn ladder_cuts_powers_of_four_largest_first_and_covers_everything() {
        let items: Vec<usize> = (0..1_391).collect();
        let lengths: Vec<usize> = ladder(&items, MAX_PARAMS).map(<[usize]>::len).collect();
        // Greedily: 1,391 = 1,024 + 256 + 64 + 2 * 16 + 3 * 4 + 3 * 1.
        assert_eq!(lengths, [1024, 256, 64, 16, 16, 4, 4, 4, 1, 1, 1]);
        let joined: Vec<usize> = ladder(&items, MAX_PARAMS).flatten().copied().collect();
        assert_eq!(joined, items);
        // `most` caps the largest chunk at a power of four below it.
        let lengths: Vec<usize> = ladder(&items[..40], 20).map(<[usize]>::len).collect();
        assert_eq!(lengths, [16, 16, 4, 4]);
        assert_eq!(ladder(&items[..0], 20).count(), 0);
        assert_eq!(
            ladder(&items[..3], 0)
                .map(<[usize]>::len)
                .collect::<Vec<_>>(),
            [1, 1, 1]
        );
    }
}
