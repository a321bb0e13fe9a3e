/**
 * Image handling shared by the providers: safe decoding of untrusted bytes (format sniffing, a
 * pixel limit checked from the header before any pixel is decoded, subsampled decoding so memory
 * stays bounded, EXIF orientation) and downscaling for providers with size limits.
 */
package io.autotag.shared.image;
