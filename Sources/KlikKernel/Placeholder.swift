// KlikKernel
