// Recursion, 128-bit arithmetic, arguments.
fn fib(n: u32) -> u64 {
    if n < 2 { n as u64 } else { fib(n - 1) + fib(n - 2) }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args.get(0).and_then(|a| a.parse().ok()).unwrap_or(25);
    println!("fib({}) = {}", n, fib(n));
    let mut f: u128 = 1;
    for i in 1..=30u128 {
        f *= i;
    }
    println!("30! = {}", f);
    println!("{:e} {:.3}", 1.0e-7f64 / 3.0, std::f64::consts::PI.sin());
}
