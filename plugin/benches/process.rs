fn main() {
    println!("process bench");
}
