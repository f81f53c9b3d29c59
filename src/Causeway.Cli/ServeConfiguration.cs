using System.Collections;
using Causeway.Errors;
using Causeway.Server;
using Microsoft.Extensions.Configuration;

namespace Causeway.Cli;

/// <summary>The configuration <c>causeway serve</c> reads before its command line: ./appsettings.json
/// when present, then <c>--config FILE</c>, then the environment variables <c>CAUSEWAY__KEY</c>
/// (or <c>Causeway__Key</c>; <c>__</c> is the section separator), each over the one before. All of
/// it is the "Causeway" section bound to <see cref="ServerOptions"/>.</summary>
internal static class ServeConfiguration
{
    public const string DefaultFile = "appsettings.json";

    public static ServerOptions Read(string? file, IDictionary environment)
    {
        if (file is not null && !File.Exists(file)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The configuration file '{file}' does not exist.");
        var builder = new ConfigurationBuilder();
        if (File.Exists(DefaultFile)) builder.AddJsonFile(Path.GetFullPath(DefaultFile), optional: true);
        if (file is not null) builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        // Only the Causeway section's variables, whatever their case: nothing else in the environment matters here.
        var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry variable in environment)
            if (variable.Key is string name && name.StartsWith(ServerOptions.Section + "__", StringComparison.OrdinalIgnoreCase))
                variables[name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = variable.Value as string;
        builder.AddInMemoryCollection(variables);
        try
        {
            var options = new ServerOptions();
            builder.Build().GetSection(ServerOptions.Section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
            return options;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The configuration cannot be read: {e.Message}");
        }
    }
}
