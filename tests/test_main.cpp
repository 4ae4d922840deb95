// The doctest runner for every tests/test_*.cpp. Tests mirror lib/: test_schedule.cpp tests
// lib/schedule, and so on. Each states the fact it checks, with a tolerance and a reason.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
