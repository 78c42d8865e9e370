fn main(){println!("ring bench");}
