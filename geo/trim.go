package geo

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static void redline_trim(void) { malloc_trim(0); }
#else
static void redline_trim(void) {}
#endif
*/
import "C"

// ReleaseCMemory hands the C heap's free memory back to the operating system
// (glibc's malloc_trim; nothing elsewhere). Loading a dataset makes and frees
// many GEOS geometries; without this their pages stay in the process's RSS.
func ReleaseCMemory() { C.redline_trim() }
