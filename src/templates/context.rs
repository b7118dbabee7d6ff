//! Template contexts: a serde value (a document, the register) made into the minijinja value
//! the templates read, as `minijinja::Value::from(Serde(..))` makes it, except that a struct
//! (or map) is a [`Fields`] object whose fields are found by a short numeric tag of each name
//! (its length and first seven bytes) rather than by comparing names one after another. A page
//! looks up a few thousand fields, in structs of up to fifty: that comparison was the largest
//! single part of rendering a page (docs/performance.md).
//!
//! Everything else is as minijinja's own conversion makes it: numbers, strings, `None` and unit
//! as none, a unit variant as its name, sequences and tuples as lists, a newtype as what it
//! holds, a tuple as a tuple, another variant as a one-entry map from its name. Fields keep their order (a loop
//! over a struct, or printing one, sees them as declared).

use minijinja::value::{Enumerator, Object, Tuple, Value};
use minijinja::{Error, ErrorKind};
use serde::ser::{self, Serialize};
use std::sync::Arc;

/// `value` as the templates see it.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    value
        .serialize(ValueSerializer)
        .unwrap_or_else(|e| Value::from(Error::new(ErrorKind::BadSerialization, e.0)))
}

/// A field's name: a struct's own (`&'static str`), or a map's key.
#[derive(Debug)]
enum Key {
    Static(&'static str),
    Value(Value),
}

impl Key {
    fn as_str(&self) -> Option<&str> {
        match self {
            Key::Static(s) => Some(s),
            Key::Value(v) => v.as_str(),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Key::Static(s) => Value::from(*s),
            Key::Value(v) => v.clone(),
        }
    }
}

/// The tag of a name: its first seven bytes and its length (255 for 255 or more). A name of
/// at most seven bytes is its tag; a longer one with the same tag, rare among one struct's
/// fields, is told apart by comparing the whole name. Made without a call to copy the bytes:
/// a page asks for it some two thousand times.
fn tag(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let head = match bytes.first_chunk::<8>() {
        Some(eight) => u64::from_le_bytes(*eight) & 0x00ff_ffff_ffff_ffff,
        None => bytes
            .iter()
            .enumerate()
            .fold(0, |t, (i, &b)| t | u64::from(b) << (8 * i)),
    };
    head | (bytes.len().min(255) as u64) << 56
}

/// Whether `name`'s tag holds all of it (seven bytes or fewer): names with the same tag are
/// then the same name.
fn tag_is_whole(name: &str) -> bool {
    name.len() <= 7
}

/// A tag no string key has: a map key that is not a string (its length byte says 255 and the
/// rest is zero, which a name of 255 bytes or more cannot give unless it starts with NULs,
/// and such a name is still compared whole).
const NOT_A_STRING: u64 = 0xff << 56;

/// A struct's fields (or a map's entries) in order, found by tag. Most structs of a page are
/// small (a vocabulary entry has four fields): up to eight tags and four entries are held in the
/// object itself, with no allocation of their own to make and free.
#[derive(Debug, Default)]
pub struct Fields {
    tags: smallvec::SmallVec<[u64; 8]>,
    entries: smallvec::SmallVec<[(Key, Value); 4]>,
}

impl Fields {
    fn with_capacity(n: usize) -> Fields {
        Fields {
            tags: smallvec::SmallVec::with_capacity(n),
            entries: smallvec::SmallVec::with_capacity(n),
        }
    }

    /// The position of the field named `name`.
    fn position(&self, name: &str) -> Option<usize> {
        let want = tag(name);
        let whole = tag_is_whole(name);
        let mut from = 0;
        while let Some(i) = self.tags[from..].iter().position(|t| *t == want) {
            let at = from + i;
            // A key that is not a string has a tag no name of seven bytes or fewer has.
            if whole || self.entries[at].0.as_str() == Some(name) {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }

    /// The position of the entry whose key is `key` (any value).
    fn position_of(&self, key: &Value) -> Option<usize> {
        match key.as_str() {
            Some(name) => self.position(name),
            None => self
                .entries
                .iter()
                .position(|(k, _)| matches!(k, Key::Value(v) if v == key)),
        }
    }

    /// Adds a field; a map key given again replaces its value, as in minijinja's own maps.
    fn insert(&mut self, key: Key, value: Value) {
        let at = match &key {
            Key::Static(_) => None,
            Key::Value(k) => self.position_of(k),
        };
        match at {
            Some(at) => self.entries[at].1 = value,
            None => {
                self.tags.push(key.as_str().map_or(NOT_A_STRING, tag));
                self.entries.push((key, value));
            }
        }
    }
}

impl Object for Fields {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.position_of(key).map(|at| self.entries[at].1.clone())
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.position(key).map(|at| self.entries[at].1.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.entries.iter().map(|(k, _)| k.to_value()).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Why a value could not be converted (a serde error of the value's own making).
#[derive(Debug)]
pub struct Invalid(String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

impl ser::Error for Invalid {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Invalid(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Invalid>;

struct ValueSerializer;

/// A one-entry map from a variant's name to its contents.
fn variant(name: &'static str, contents: Value) -> Value {
    let mut fields = Fields::with_capacity(1);
    fields.insert(Key::Static(name), contents);
    Value::from_object(fields)
}

/// A `bool`, number or `char` as minijinja's own `From` makes it (integers as 64 bits or
/// wider, `f32` as `f64`), one method each.
macro_rules! plain {
    ($($method:ident: $type:ty),*) => {$(
        fn $method(self, v: $type) -> Result<Value> {
            Ok(Value::from(v))
        }
    )*};
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = Invalid;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Map;
    type SerializeStruct = Struct;
    type SerializeStructVariant = Struct;

    plain!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
        serialize_f32: f32,
        serialize_f64: f64,
        serialize_char: char
    );
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::from(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::from_bytes(v.to_vec()))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::from(()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::from(()))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(Value::from(()))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        value: &T,
    ) -> Result<Value> {
        Ok(variant(name, to_value(value)))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
        Ok(Seq::new(None, false, len.unwrap_or(0)))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq> {
        Ok(Seq::new(None, true, len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq> {
        Ok(Seq::new(None, false, len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<Seq> {
        Ok(Seq::new(Some(name), false, len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map> {
        Ok(Map {
            fields: Fields::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Struct> {
        Ok(Struct {
            variant: None,
            fields: Fields::with_capacity(len),
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<Struct> {
        Ok(Struct {
            variant: Some(name),
            fields: Fields::with_capacity(len),
        })
    }
}

/// A sequence, tuple or tuple variant being converted.
struct Seq {
    variant: Option<&'static str>,
    /// A tuple (printed in parentheses); anything else is a list.
    tuple: bool,
    items: Vec<Value>,
}

impl Seq {
    fn new(variant: Option<&'static str>, tuple: bool, len: usize) -> Seq {
        // A length hint comes from the value itself; it is only a hint.
        Seq {
            variant,
            tuple,
            items: Vec::with_capacity(len.min(1024)),
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(to_value(value));
        Ok(())
    }

    fn done(self) -> Result<Value> {
        let list = if self.tuple {
            Value::from(Tuple::from(self.items))
        } else {
            Value::from(self.items)
        };
        Ok(match self.variant {
            Some(name) => variant(name, list),
            None => list,
        })
    }
}

/// The four serde traits of a sequence being built, each adding an item and ending as [`Seq::done`].
macro_rules! seq_traits {
    ($($trait:ident :: $add:ident),*) => {$(
        impl ser::$trait for Seq {
            type Ok = Value;
            type Error = Invalid;
            fn $add<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }
            fn end(self) -> Result<Value> {
                self.done()
            }
        }
    )*};
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A map being converted (also a struct with a flattened field).
struct Map {
    fields: Fields,
    key: Option<Value>,
}

impl ser::SerializeMap for Map {
    type Ok = Value;
    type Error = Invalid;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(to_value(key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Invalid("a map value came without its key".to_string()))?;
        self.fields.insert(Key::Value(key), to_value(value));
        Ok(())
    }
    fn end(self) -> Result<Value> {
        Ok(Value::from_object(self.fields))
    }
}

/// A struct or struct variant being converted.
struct Struct {
    variant: Option<&'static str>,
    fields: Fields,
}

impl Struct {
    fn add<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.fields.insert(Key::Static(key), to_value(value));
        Ok(())
    }

    fn done(self) -> Result<Value> {
        let fields = Value::from_object(self.fields);
        Ok(match self.variant {
            Some(name) => variant(name, fields),
            None => fields,
        })
    }
}

/// The two serde traits of a struct being built.
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Struct {
            type Ok = Value;
            type Error = Invalid;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<()> {
                self.add(key, value)
            }
            fn end(self) -> Result<Value> {
                self.done()
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::Serde;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    enum Kind {
        Plain,
        Wrapped(u32),
        Pair(u8, bool),
        Shaped { side: i16 },
    }

    #[derive(serde::Serialize)]
    struct Inner {
        label: &'static str,
        wording: String,
    }

    #[derive(serde::Serialize)]
    struct Extra {
        review_a: u32,
        review_b: u32,
    }

    #[derive(serde::Serialize)]
    struct Point(u8, u8);

    #[derive(serde::Serialize)]
    struct Outer {
        point: Point,
        title: String,
        missing: Option<String>,
        present: Option<Inner>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        items: Vec<Inner>,
        kinds: Vec<Kind>,
        map: BTreeMap<String, i64>,
        numbers: (f64, char, i128, u128),
        nothing: (),
        #[serde(flatten)]
        extra: Extra,
    }

    fn sample() -> Outer {
        Outer {
            point: Point(3, 4),
            title: "A <title> & more".to_string(),
            missing: None,
            present: Some(Inner {
                label: "Consent",
                wording: "Asked".to_string(),
            }),
            skipped: None,
            items: vec![
                Inner {
                    label: "One",
                    wording: "first".to_string(),
                },
                Inner {
                    label: "Two",
                    wording: "second".to_string(),
                },
            ],
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(7),
                Kind::Pair(1, true),
                Kind::Shaped { side: -3 },
            ],
            map: BTreeMap::from([("b".to_string(), 2), ("a".to_string(), 1)]),
            numbers: (1.5, 'x', -9, 10),
            nothing: (),
            extra: Extra {
                review_a: 1,
                review_b: 2,
            },
        }
    }

    /// What a template shows of the sample, through attributes, tests, loops, filters and
    /// whole values printed.
    const TEMPLATE: &str = "{{ o.title }}|{{ o.missing is none }}|{{ o.present.label }}:\
        {{ o.present['wording'] }}|{{ o.skipped is defined }}|{{ o.nope is defined }}|\
        {% for i in o.items %}{{ loop.index }}{{ i.label }}{% endfor %}|{{ o.items|map(attribute='wording')|join(',') }}|\
        {{ o.kinds }}|{{ o.kinds[1].Wrapped }}|{{ o.map }}|{% for k in o.map %}{{ k }}={{ o.map[k] }};{% endfor %}|\
        {{ o.numbers }}|{{ o.nothing }}|{{ o.review_a }}{{ o.review_b }}|{{ o.present|length }}|\
        {{ o.present|list }}|{{ o.items|selectattr('label', 'eq', 'Two')|list|length }}|{{ o.present }}|\
        {{ o|length }}|{{ o.point }}{{ o.point[1] }}|{% if o.present %}t{% endif %}{% if o.map %}m{% endif %}|{{ o.present == o.present }}";

    fn rendered(value: Value) -> String {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.render_str(TEMPLATE, minijinja::context! { o => value })
            .unwrap_or_else(|e| format!("error: {e:#}"))
    }

    #[test]
    fn templates_see_the_same_as_through_minijinjas_own_conversion() {
        let ours = rendered(to_value(&sample()));
        assert_eq!(ours, rendered(Value::from(Serde(&sample()))));
        assert!(
            ours.starts_with("A <title> & more|True|Consent:Asked|False|False|1One2Two|"),
            "{ours}"
        );
        assert!(
            ours.contains("|12|"),
            "fields whose tags agree are told apart: {ours}"
        );
    }

    #[test]
    fn names_that_share_a_tag_are_told_apart() {
        let mut fields = Fields::with_capacity(4);
        for (name, n) in [("review_a", 1), ("review_b", 2), ("reviewer", 3), ("r", 4)] {
            fields.insert(Key::Static(name), Value::from(n));
        }
        let fields = Arc::new(fields);
        for (name, n) in [("review_a", 1), ("review_b", 2), ("reviewer", 3), ("r", 4)] {
            assert_eq!(
                fields.get_value_by_str(name),
                Some(Value::from(n)),
                "{name}"
            );
        }
        assert_eq!(fields.get_value_by_str("review_c"), None);
        assert_eq!(fields.get_value_by_str(""), None);
        assert_eq!(fields.get_value(&Value::from(1)), None);
    }

    proptest::proptest! {
        /// A field is found by its name exactly as by comparing every name in turn, however
        /// alike the names (shared first bytes, NULs, lengths about seven and eight).
        #[test]
        fn a_field_is_found_as_by_comparing_names(
            keys in proptest::collection::vec("[ab\\x00]{0,10}", 0..12),
            asked in "[ab\\x00]{0,10}",
        ) {
            let mut fields = Fields::default();
            for key in &keys {
                fields.insert(Key::Value(Value::from(key.as_str())), Value::from(key.len()));
            }
            fields.insert(Key::Value(Value::from(7)), Value::from("a number"));
            let by_comparing = fields
                .entries
                .iter()
                .position(|(k, _)| k.as_str() == Some(asked.as_str()));
            proptest::prop_assert_eq!(fields.position(&asked), by_comparing);
        }
    }

    #[test]
    fn a_map_key_given_again_replaces_its_value_in_place() {
        let mut fields = Fields::default();
        fields.insert(Key::Value(Value::from("k")), Value::from(1));
        fields.insert(Key::Value(Value::from(3)), Value::from("three"));
        fields.insert(Key::Value(Value::from("k")), Value::from(2));
        let fields = Arc::new(fields);
        assert_eq!(fields.enumerator_len(), Some(2));
        assert_eq!(fields.get_value_by_str("k"), Some(Value::from(2)));
        assert_eq!(
            fields.get_value(&Value::from(3)),
            Some(Value::from("three"))
        );
    }
}
