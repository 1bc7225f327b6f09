// The console's and the application form's small helps where script runs; every page
// works without it.
