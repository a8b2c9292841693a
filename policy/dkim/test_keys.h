// Public keys for the config tests, generated once with openssl genpkey
// (the private halves were thrown away). Base64 of the DER forms that
// domain files carry.
#ifndef DNSD_POLICY_DKIM_TEST_KEYS_H_
#define DNSD_POLICY_DKIM_TEST_KEYS_H_

namespace dnsd::config::testing {

// A 512-bit RSA key: too short for DKIM (RFC 8301).
inline constexpr char kRsa512[] =
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAK79Of5zkQuUdbBzLcC9AzlIGw7o1lzcRcET/d"
    "zpYpRjW9jGGoHbTkwKzNGZZmF3zLFH8n2cT3b7EyMx5bMUC4cCAwEAAQ==";
// 1024-bit RSA, SubjectPublicKeyInfo.
inline constexpr char kRsa1024[] =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC9r4iTeURTTvCLW3uOWmhm9b0r/oFzpS"
    "qwqZiGae4FJogUTzPTu0VuzSAZFz9jfc3GiZeJrdF4It6YfakeAuvAfS0X4Xd99Eb4v7YF"
    "5dlsB3ZAkV5OtmLfN1MSXm+JllucYhtJLETZcIqSpDLDWNSBuacHZK294SY+Lz3AYqyCwQ"
    "IDAQAB";
// The same key as a bare PKCS#1 RSAPublicKey.
inline constexpr char kRsa1024Pkcs1[] =
    "MIGJAoGBAL2viJN5RFNO8Itbe45aaGb1vSv+gXOlKrCpmIZp7gUmiBRPM9O7RW7NIBkXP2"
    "N9zcaJl4mt0Xgi3ph9qR4C68B9LRfhd330Rvi/tgXl2WwHdkCRXk62Yt83UxJeb4mWW5xi"
    "G0ksRNlwipKkMsNY1IG5pwdkrb3hJj4vPcBirILBAgMBAAE=";
// 2048-bit RSA, SubjectPublicKeyInfo.
inline constexpr char kRsa2048[] =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArCEVffX2P0KClDia0WBulaIxtQ"
    "6GrNSzhcNxPdmp1DTC4TwaPcpwh0Hl7XhgVcMsrt6mnumUGvxyjYH0Lyov4KCaUljbaFlF"
    "7mt9O00ze4RTON5hsn76NHNRluaEdVjPjJlPx6yYUKe/K1Zxd1HftTKFIjjOTczFf0W7Zl"
    "kV33ziIWU025ozsJ8hy6dIMj5MdffvOw+XlvC/119QYLuCzTol/aV5BWZlv1VeHZfGeWBi"
    "gVPSD2woR6q3a+oGCcbGmXZBberAhETUT2HgW33gdwQ8BhAWs5C8dOcWleuxofT011LVYG"
    "SJQvRG57bRj9Bl9Ei+Bj0hvkf72AqejxhoZQIDAQAB";
// 8192-bit RSA: too long for DKIM here.
inline constexpr char kRsa8192[] =
    "MIIEIjANBgkqhkiG9w0BAQEFAAOCBA8AMIIECgKCBAEAhvLKZ4xAA2FKgKyOgIY5O2N2iS"
    "TYIm4SjPmZEgV8maTlvQ764vI5acuXJctCFz8nh/gTxdfMW4rfJQBAtvKjv7p3FM/+Hfzz"
    "iSo57eocYSqTp9d6IIOGe6wcNT0ASf9Hj6cp5gqvKGK0AggmqmHCrRAknthcVtyoWnfaUC"
    "CyWXySGEDFOmUEJTB6AV6jSqfWCHEnGpQzOqQJ7UV5fbtfGDiCa7J5K545FoSlQqDHREL8"
    "UZfI5Ra95cV4tDzoeHaL2zUCvDLWP0G2Za2jyYh6zzDg5odWlmAvQcktqCit1VGAdfemCf"
    "Q2THN+2wS9SAf8zE1EW5cLyWY/0bndQTKpFkxZl3/J0YnddNJZeNroWzx6dO6mcmmcNsel"
    "oP2v/QJYj+bxcciaZGnbvZ4a9eYJNtpTqcXuFRXPxd85KNVctVD8ZsSu700iV58+jCCFD5"
    "kqK8rmUv/fg3k1fB2/rZuNVKUkV1pESIMKR/lVMR1UTSoaojkeJAztEitwmfVfH4PvUZeT"
    "Diu5WIrMocdJIBNh7xoTmYPYhHt/lptNVuSoNHY2V/AjdmqZS0Vcj3XydzFvBNfvF6C9ZC"
    "umdUnaEGwydIh14YoAYjE993Uy62Jq8Z64qEaggJEsMbBWS5ii4Aucmzotze2YOl12xY2R"
    "WlpFXJP0h33m+LOuCOQ18mQ00hw8mK718C0M0JvZQsooPfciE+ozg+XKrfopcQuXXI/eKa"
    "+v6g5Q51hxY/mGXtCIGiwZaoUJYmYi9OlmbiciG3c0uDUL4bl/NA5YepmxkT6JeDDLd26X"
    "YyN5srywuiorf8JT9q6NXxKt9Z4oL58VPSHAri4WU9bUdCl6xHkfBD7xr75+e+8xYA7Egm"
    "1YRHm5toOdieQq9A5HTL2FbRfnEMs25hD+6BXHqdVkPxq023hfSQBohQEUqZQEG33ZfNkI"
    "oSV3j1DWn4ICclcBOO7WPTCEDDXzEh83T9Hc+n/p9I9+ZYUspZk7NVpKgPRONDoTlbW0SP"
    "kQj1XrCx1dHKXMFo5v4UhfrlZrzlwndvLHBgdbZi8z1sv+Y7gYIb5QMFp2eQqd558zoLgK"
    "wcdi27/uy2Cc7tMzHW0jq/PyubcKWxmJrjNoUdF+A5icxWsS6yvTaWHXbhQ3/usEYNn2Jg"
    "a/1BUquuECnkA9OzG6S5OqT2+dcW7JuEKZa77WC+YF1iAqAyw/lya75UOyX/WjuUiyZj1E"
    "UU0a+KrP/+JlpmPJmE+n2aEIE42LVdtZVuWuXJaiRyRpEli+e2OJqme4OpuaBud6zCZKCx"
    "2eRfM1wsxFUJMXMG6SmXYLzZGUUHnaYw2VdYbwQwYcKChvV+XPRles+2GbW5QPJPU0+/IY"
    "CM7kU6oOsQIDAQAB";
// An Ed25519 public key, the raw 32 bytes (RFC 8463).
inline constexpr char kEd25519Raw[] =
    "0/u74inAbDZyUI5ANG9WkVYeX1BZNO6ai77mZnZNMig=";
// The same Ed25519 key wrapped in a SubjectPublicKeyInfo.
inline constexpr char kEd25519Spki[] =
    "MCowBQYDK2VwAyEA0/u74inAbDZyUI5ANG9WkVYeX1BZNO6ai77mZnZNMig=";
// An EC P-256 key: neither RSA nor Ed25519.
inline constexpr char kEcP256[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBDVFvp4q7KszMXKvGa9D7BhI8Oo6Q99Ek4"
    "IrBa/6fbV5P6taEJuPMLAGrrhLbDPmeIs5/v3QmMj9kDmEO/wbSA==";
// An RSA-PSS key: RSA, but not rsaEncryption.
inline constexpr char kRsaPss[] =
    "MIIBIDALBgkqhkiG9w0BAQoDggEPADCCAQoCggEBAMgSDdKtYyRxu2+NgeS+bOjsn7j9dD"
    "AZVsNmvYnD9e56kY6IrNVcRXhhEXeXi4/1dSMoeIPo4dVK1buR7f4GCWmudfrAwBahDpTA"
    "9M1A+vvsYw9Snrb+Is+UjVWzUZJ+lKF1N6qP5A6o0or0x2GnYETsM3iwDA9YohvT1kytwt"
    "UWzP7TBhgs6f/OBgyALy3be8pSK80/SELJRWn3ALLC+DIS7ESNPVT/W2ffZa9ImemL0FX7"
    "BR26KxJhL54uTH11yrfSUOArXqUf6sWhynjvt79K9R8U2Ogt1QxO7SCA1A2ZYoy0UfKzIc"
    "8/jmbL/0n4NbP+jBm+9E5S3N9bqoNdXPMCAwEAAQ==";

}  // namespace dnsd::config::testing

#endif  // DNSD_POLICY_DKIM_TEST_KEYS_H_
