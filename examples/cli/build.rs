fn main() {
    size_profile::check();
}
