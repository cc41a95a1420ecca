// KlikTesting
