/**
 * Running Lambda handlers outside Lambda, for the local stack, tests and benchmarks: the invocation
 * context and an HTTP front that speaks API Gateway's payload 2.0. Development code only: no
 * function zip carries it (the functions depend on it in test scope only).
 */
package io.autotag.local;
