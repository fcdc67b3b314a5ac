//! Editing the labels: name, colour, shortcut key and order; adding and deleting
//! them (a deleted label's highlights move to another label, lose their label, or
//! are deleted, as the caller chooses).

use rusqlite::{params, OptionalExtension};

use super::{now, Library};
use crate::error::{Error, Result};
use crate::model::Label;

/// A label's editable fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSpec {
    pub name: String,
    /// `#rgb` or `#rrggbb`; stored as lower-case `#rrggbb`.
    pub color: String,
    /// One character, or none.
    pub shortcut: Option<String>,
}

/// Keys the reader itself uses (its help overlay, `?`): a label cannot take them as
/// its shortcut. The app's `RESERVED_KEYS` (ui/src/highlighting.ts) is the same list.
pub const RESERVED_KEYS: &[char] = &[
    '/', '?', 't', 'j', 'k', 'n', 'p', 'u', 'h', 'm', 'l', 'q', 'e', 'r', 'o', 'x', 'v', 'f', 'z',
    ']', '[', 'c',
];

/// What becomes of a deleted label's highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelRemoval {
    /// They take this other label.
    MoveTo(i64),
    /// They stay, without a label.
    Unlabel,
    /// They are deleted too.
    DeleteHighlights,
}

fn clean_color(color: &str) -> Result<String> {
    let c = color.trim().to_ascii_lowercase();
    let hex = c.strip_prefix('#').unwrap_or("");
    let ok = hex.chars().all(|ch| ch.is_ascii_hexdigit());
    match (ok, hex.len()) {
        (true, 6) => Ok(c),
        (true, 3) => Ok(format!(
            "#{}",
            hex.chars().flat_map(|ch| [ch, ch]).collect::<String>()
        )),
        _ => Err(Error::bad_input(format!(
            "the colour {color:?} is not #rrggbb"
        ))),
    }
}

impl Library {
    fn check_label(&self, id: Option<i64>, spec: &LabelSpec) -> Result<LabelSpec> {
        let name = spec.name.trim().to_string();
        if name.is_empty() {
            return Err(Error::bad_input("a label needs a name"));
        }
        if name.chars().count() > 40 {
            return Err(Error::bad_input(format!(
                "the label name {name:?} is longer than 40 characters"
            )));
        }
        let color = clean_color(&spec.color)?;
        let shortcut = match spec.shortcut.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.to_lowercase().any(|l| RESERVED_KEYS.contains(&l)) => {
                        return Err(Error::bad_input(format!(
                            "the key {s:?} is already a Threadmark key (see the help, ?); \
                             choose another shortcut"
                        )))
                    }
                    (Some(c), None) if !c.is_whitespace() && !c.is_control() => {
                        Some(c.to_lowercase().collect::<String>())
                    }
                    _ => {
                        return Err(Error::bad_input(format!(
                            "the shortcut {s:?} is not a single key"
                        )))
                    }
                }
            }
        };
        for other in self.labels()? {
            if Some(other.id) == id {
                continue;
            }
            if other.name.to_lowercase() == name.to_lowercase() {
                return Err(Error::bad_input(format!(
                    "there is already a label named {:?}",
                    other.name
                )));
            }
            if shortcut.is_some() && other.shortcut.as_deref().map(str::to_lowercase) == shortcut {
                return Err(Error::bad_input(format!(
                    "the key {:?} is already the shortcut of {:?}",
                    shortcut.unwrap_or_default(),
                    other.name
                )));
            }
        }
        Ok(LabelSpec {
            name,
            color,
            shortcut,
        })
    }

    /// One label by id.
    pub fn label(&self, id: i64) -> Result<Label> {
        self.labels()?
            .into_iter()
            .find(|l| l.id == id)
            .ok_or_else(|| Error::not_found(format!("no label {id}")))
    }

    /// How many highlights (in every thread) carry a label.
    pub fn label_usage(&self, id: i64) -> Result<i64> {
        self.label(id)?;
        Ok(self.conn.query_row(
            "SELECT count(*) FROM highlights WHERE label_id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Add a label after the others.
    pub fn add_label(&mut self, spec: &LabelSpec) -> Result<Label> {
        let spec = self.check_label(None, spec)?;
        self.conn.execute(
            "INSERT INTO labels (name, color, shortcut, position)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM labels))",
            params![spec.name, spec.color, spec.shortcut],
        )?;
        self.label(self.conn.last_insert_rowid())
    }

    /// Change a label's name, colour and shortcut.
    pub fn update_label(&mut self, id: i64, spec: &LabelSpec) -> Result<Label> {
        self.label(id)?;
        let spec = self.check_label(Some(id), spec)?;
        self.conn.execute(
            "UPDATE labels SET name = ?1, color = ?2, shortcut = ?3 WHERE id = ?4",
            params![spec.name, spec.color, spec.shortcut, id],
        )?;
        self.label(id)
    }

    /// Put the labels in this order; `ids` must name every label once.
    pub fn reorder_labels(&mut self, ids: &[i64]) -> Result<Vec<Label>> {
        let mut have: Vec<i64> = self.labels()?.into_iter().map(|l| l.id).collect();
        let mut want = ids.to_vec();
        have.sort_unstable();
        want.sort_unstable();
        if have != want {
            return Err(Error::bad_input(
                "the new order must list every label exactly once",
            ));
        }
        let tx = self.conn.transaction()?;
        for (i, id) in ids.iter().enumerate() {
            tx.execute(
                "UPDATE labels SET position = ?1 WHERE id = ?2",
                params![i as i64, id],
            )?;
        }
        tx.commit()?;
        self.labels()
    }

    /// Delete a label; its highlights are moved, unlabelled or deleted as `then`
    /// says. Returns how many highlights were affected.
    pub fn delete_label(&mut self, id: i64, then: LabelRemoval) -> Result<usize> {
        self.label(id)?;
        if let LabelRemoval::MoveTo(to) = then {
            if to == id {
                return Err(Error::bad_input(
                    "the highlights cannot move to the label being deleted",
                ));
            }
            self.label(to)?;
        }
        let tx = self.conn.transaction()?;
        let t = now();
        let n = match then {
            LabelRemoval::MoveTo(to) => tx.execute(
                "UPDATE highlights SET label_id = ?1, updated_at = max(updated_at, ?2) WHERE label_id = ?3",
                params![to, t, id],
            )?,
            LabelRemoval::Unlabel => tx.execute(
                "UPDATE highlights SET label_id = NULL, updated_at = max(updated_at, ?1) WHERE label_id = ?2",
                params![t, id],
            )?,
            LabelRemoval::DeleteHighlights => {
                tx.execute("DELETE FROM highlights WHERE label_id = ?1", [id])?
            }
        };
        tx.execute("DELETE FROM labels WHERE id = ?1", [id])?;
        // Close the gap in the order.
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM labels ORDER BY position, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (i, lid) in ids.iter().enumerate() {
            tx.execute(
                "UPDATE labels SET position = ?1 WHERE id = ?2",
                params![i as i64, lid],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// The label with this shortcut key, if any.
    pub fn label_by_shortcut(&self, key: &str) -> Result<Option<Label>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM labels WHERE lower(shortcut) = lower(?1)",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| self.label(id)).transpose()
    }
}
