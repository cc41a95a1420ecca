// KlikStorage
