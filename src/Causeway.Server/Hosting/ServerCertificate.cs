using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Causeway.Errors;

namespace Causeway.Server.Hosting;

/// <summary>The TLS certificate a server that owns its host serves HTTPS with: PKCS#12 (.pfx/.p12,
/// maybe with a password) or PEM (certificate and key files).</summary>
internal static class ServerCertificate
{
    public static X509Certificate2? Load(ServerOptions options)
    {
        if (string.IsNullOrEmpty(options.CertificateFile))
        {
            if (options.CertificateKeyFile is not null) throw new InvalidInputException(ErrorCodes.InvalidValue, "A certificate key was given without its certificate (--cert).");
            return null;
        }
        string file = options.CertificateFile;
        if (!File.Exists(file)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The certificate file '{Documents.Names.Clip(file)}' does not exist.");
        try
        {
            if (options.CertificateKeyFile is { } key)
            {
                if (!File.Exists(key)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The certificate key file '{Documents.Names.Clip(key)}' does not exist.");
                var pem = options.CertificatePassword is { } password
                    ? X509Certificate2.CreateFromEncryptedPemFile(file, password, key)
                    : X509Certificate2.CreateFromPemFile(file, key);
                // Linux serves an ephemeral PEM key; other systems need it as PKCS#12 first.
                return OperatingSystem.IsLinux() ? pem : X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);
            }
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(file, options.CertificatePassword);
            if (!certificate.HasPrivateKey) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The certificate '{Documents.Names.Clip(file)}' has no private key.");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The certificate '{Documents.Names.Clip(file)}' cannot be read: {e.Message} (a .pfx with --cert-password, or a PEM certificate with --cert-key).");
        }
    }
}
