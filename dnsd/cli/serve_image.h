// `dnsd serve` and its compiled image (config/compiled_image.h): the image
// in the state folder is offered to the first load, and written again when
// the server stops. Each step logs what it did, or why not.
#ifndef DNSD_CLI_SERVE_IMAGE_H_
#define DNSD_CLI_SERVE_IMAGE_H_

#include <string>

#include "config/load_and_compile.h"
#include "config/model.h"

namespace dnsd::cli {

// <state_dir>/compiled.image; "" when the server file sets no state_dir
// (then there is no image).
std::string ImagePath(const config::ServerConfig& server);

// Offers the image at `path` (if any) to `state`'s first load.
void OfferImage(const std::string& path, config::LoadState& state);

// What the first load took from the image it was offered.
void LogImageTaken(const config::LoadedConfig& loaded);

// Writes the image of `state` to `path`.
void SaveImage(const std::string& path, const config::LoadState& state);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_SERVE_IMAGE_H_
