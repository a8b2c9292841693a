// Real RSA public keys for tests and fuzz targets: DER SubjectPublicKeyInfo
// in base64, as a domain file carries them (`openssl pkey -pubout -outform
// DER | base64`). Fixed rather than generated, so that answers have the
// same size in every run and a 4096-bit key costs no key generation.
#ifndef DNSD_TESTING_RSA_KEYS_H_
#define DNSD_TESTING_RSA_KEYS_H_

namespace dnsd::testing {

inline constexpr char kRsa2048Spki[] =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArznJt6le3agc3hBnqvSQm+EwrDNGQCxL"
    "0B+BMwqIbHTnlADAnBhHpkv7vP0ad/mf+bef8TxY3JoSG+yryoZJ3VCEL+54krEvS0hgWYVd7Wzs"
    "TAoAG81wDUWUtzC5UGI99unO0Gcc0okA3s6o/DZjhHvTP3bIJAZ8PGJiQgM4w5msedNptvfcw+Nk"
    "i8jZPdkJYQhl2CzgX3OisbwE2YUkUw+sFlvEO3Mi2t4xVVkC18srmQmYbIGBQMkQDNh0a/lKF7s+"
    "yxvZDlPZWITkF2q1ZEtlmOiRO5+6OJPBoIdmPdK2bV6SyZWnXXnEMMH6YgOzPE8KKeSal5PlVQYt"
    "5M8PowIDAQAB";
inline constexpr char kRsa4096Spki[] =
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA0NW/HNOlg4kKX4xvLuJmXcQpiAyhlP0k"
    "CDlfaw22vIsJyBpOt2JIHkK+kPt/KxHsWHpHhLVUV7XVtItwYoFC4og72f/g+poC/Ff7jGuvzf4Q"
    "lm8yryH1Y5YaA9tJd1fOJTi0DuXIW89GyueliAGou9EQqvyMcSI8I3J4ucNN0AmkRmpXSQIC9RBK"
    "wUAfJoa7Ghm58rlQ1GLjeH1wD/5b/yyDpqB3PDMtvNGGsV0QQl0DNKNoqkjSTNSPMDmbrvq3p+jG"
    "SWskVMX7K88NSFud5orgCHD+6Jw9ZNyCYkcNQ75T/8nRULcYx6buxewSdH2elCe/XNXOOeK055gz"
    "ZWNvX2PBADO2kStBOSt5DZQlWk4TGxQBLzOVQx5rpM9KFN5sjZcEPS/nFYC6ONmZtUs26yZvdYzl"
    "7X8+EOtf4rwZTdAWNEa8AJA1hqYJWF8gh1r7ZJDrqazvdSSbbgYDpIzwSColEUmXcygkoxz+hnJN"
    "x/x2BsewpUBnkwKeBoJ5KokV4qjlQ0StatEKpG/Lhq9T6mMl9wufuEXQqfVrjmatZ7L5RZxgn2ip"
    "YlUFK5aY1nFyaku4pmWBcoy4LVlhjc4btFwbEmmkt/oTnkGbpH46HyQJSDJsWzBgNmmRESHy5aB3"
    "bkUYwxbzJAzecB2On0pKH0mzmD8NI3+7Fnl9RVepfjkCAwEAAQ==";

}  // namespace dnsd::testing

#endif  // DNSD_TESTING_RSA_KEYS_H_
