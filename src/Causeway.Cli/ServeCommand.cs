using System.CommandLine;
using Causeway.Server;
using Causeway.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Causeway.Cli;

/// <summary><c>causeway serve</c>: a replica behind the HTTP API. With no arguments it keeps its data
/// in ./causeway-data and listens on http://127.0.0.1:7480.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The replica's folder (store, identity, tokens).", DefaultValueFactory = _ => "causeway-data" };
        var urls = new Option<string>("--urls") { Description = "Where to listen (https:// needs --cert).", DefaultValueFactory = _ => ServerOptions.DefaultUrl };
        var dev = new Option<bool>("--dev") { Description = "Allow unauthenticated requests from loopback (development only)." };
        var ownerKey = new Option<string?>("--owner-key")
        {
            Description = "Key file of the owner of the databases (the subject of every capability, the issuer of root delegations); the replica's own identity.key by default.",
        };
        var config = new Option<string?>("--config") { Description = "A JSON configuration file (its \"Causeway\" section); ./appsettings.json is read when present. CAUSEWAY__* environment variables override both, options given here override all." };
        var cert = new Option<string?>("--cert") { Description = "Serve HTTPS with this certificate: a .pfx (with --cert-password) or a PEM certificate (with --cert-key)." };
        var certKey = new Option<string?>("--cert-key") { Description = "The PEM private key of --cert." };
        var certPassword = new Option<string?>("--cert-password") { Description = "The password of the --cert .pfx (or of an encrypted PEM key)." };
        var corsOrigins = new Option<string[]>("--cors-origin")
        {
            Description = "An origin (https://app.example) whose pages may call the API from a browser; repeat for more. None by default.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("serve", "Run a Causeway server: the HTTP API over a replica in a folder.") { data, urls, dev, ownerKey, config, cert, certKey, certPassword, corsOrigins };
        command.SetAction((result, cancellation) =>
        {
            var options = ServeConfiguration.Read(result.GetValue(config), Environment.GetEnvironmentVariables());
            // Options given on the command line win over the files and the environment.
            if (Given(result, data)) options.DataDirectory = result.GetValue(data)!;
            if (Given(result, urls)) options.Urls = result.GetValue(urls)!;
            if (Given(result, dev)) options.Dev = result.GetValue(dev);
            if (Given(result, ownerKey)) options.OwnerKeyFile = result.GetValue(ownerKey);
            if (Given(result, cert)) options.CertificateFile = result.GetValue(cert);
            if (Given(result, certKey)) options.CertificateKeyFile = result.GetValue(certKey);
            if (Given(result, certPassword)) options.CertificatePassword = result.GetValue(certPassword);
            if (Given(result, corsOrigins)) options.CorsOrigins = [.. result.GetValue(corsOrigins) ?? []];
            // A certificate and no address chosen: the default address, over HTTPS.
            if (options.CertificateFile is not null && options.Urls == ServerOptions.DefaultUrl) options.Urls = ServerOptions.DefaultUrl.Replace("http://", "https://", StringComparison.Ordinal);
            return RunAsync(options);
        });
        return command;
    }

    private static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static async Task<int> RunAsync(ServerOptions options)
    {
        foreach (var origin in options.CorsOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"'{origin}' is not an origin for --cors-origin: scheme, host and port only (https://app.example).");
        foreach (var url in options.Urls.Split(';'))
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"'{url}' is not an http(s) URL for --urls.");
            else if (uri.Scheme == "https" && string.IsNullOrEmpty(options.CertificateFile))
                throw new Errors.InvalidInputException(Errors.ErrorCodes.InvalidValue, $"'{url}' is HTTPS: give the server its certificate with --cert.");
        // A serve that cannot start leaves nothing behind: no folder, identity or tokens it made.
        bool existed = Directory.Exists(options.DataDirectory);
        Microsoft.AspNetCore.Builder.WebApplication app;
        try { app = await CausewayServer.BuildAsync(options); }
        catch when (!existed) { TryRemove(options.DataDirectory); throw; }
        var replica = (Replica)app.Services.GetService(typeof(Replica))!;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            AnsiConsole.Write(new Text($"Causeway is listening on {string.Join(", ", app.Urls)}\n", new Style(Color.Green)));
            AnsiConsole.Write(new Text($"replica  {replica.Did}\n"));
            var access = (AccessControl)app.Services.GetService(typeof(AccessControl))!;
            AnsiConsole.Write(new Text($"owner    {access.OwnerOf(null)}{(access.OwnerOf(null) == replica.Did ? " (the replica)" : "")}\n"));
            AnsiConsole.Write(new Text($"data     {Path.GetFullPath(options.DataDirectory)}\n"));
            AnsiConsole.Write(new Text($"token    {Path.GetFullPath(Path.Combine(options.DataDirectory, StaticTokens.AdminFile))} (admin), {StaticTokens.ReadFile} (read-only)\n"));
            if (options.Dev)
                AnsiConsole.Write(new Text("DEV MODE: requests from loopback need no token. Never use this where others can reach the machine.\n", new Style(Color.Yellow, decoration: Decoration.Bold)));
        });
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await app.DisposeAsync();
            if (!existed) TryRemove(options.DataDirectory);
            throw new Errors.UnavailableException($"Cannot listen on {options.Urls}: {FirstLine(e.Message)}", e);
        }
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static void TryRemove(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* leave it; the error that matters is the one above */ }
    }
}
