// Collections, formatting, iterators, strings: the std a typical guest uses.
use std::collections::{BTreeMap, HashMap};

fn main() {
    let text = "the quick brown fox jumps over the lazy dog the end";
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_insert(0) += 1;
    }
    for (w, n) in &counts {
        println!("{:>6} {}", w, n);
    }
    let mut h: HashMap<u64, u64> = HashMap::new();
    let mut x: u64 = 1;
    for i in 0..10000u64 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *h.entry(x % 97).or_insert(0) += i;
    }
    let mut keys: Vec<_> = h.iter().map(|(k, v)| (*k, *v)).collect();
    keys.sort();
    let sum: u64 = keys.iter().map(|(k, v)| k * v).fold(0u64, |a, b| a.wrapping_add(b));
    println!("{} buckets, checksum {}", keys.len(), sum);
    let v: Vec<f64> = (1..=20).map(|i| (i as f64).sqrt() * 1.5).collect();
    println!("{:.6} {:?}", v.iter().sum::<f64>(), &v[..3]);
    let s: String = (0..26u8).rev().map(|c| (b'a' + c) as char).collect();
    println!("{} {}", s, s.to_uppercase());
}
