/**
 * The classification API function: an API Gateway (HTTP API payload 2.0 or REST API proxy) handler
 * that classifies one image synchronously through the shared providers, on autotag's own {@code
 * POST /classify} route and on routes that speak Roboflow's and Einstein Vision's request and
 * response shapes.
 */
package io.autotag.api;
