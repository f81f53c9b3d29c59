using System.CommandLine;
using PrincipalKey = Causeway.Authority.PrincipalKey;
using Causeway.Errors;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway key new [--out FILE]</c> and <c>causeway key show [--file FILE]</c>: a
/// principal's Ed25519 key (the 32-byte seed, mode 0600) and its did:key. Both default to
/// <c>./causeway.key</c>; an existing file is never overwritten.</summary>
internal static class KeyCommands
{
    public static Command Key()
    {
        var command = new Command("key", "Principals' keys: create an Ed25519 key file, or show the did:key of one.");
        command.Subcommands.Add(New());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command New()
    {
        var output = new Option<string>("--out") { Description = $"The key file to create (mode 0600); './{PrincipalKey.DefaultFileName}' when not given. An existing file is refused." };
        var command = new Command("new", "Create an Ed25519 key and print its did:key.") { output };
        command.SetAction(result =>
        {
            string path = result.GetValue(output) ?? PrincipalKey.DefaultFileName;
            if (File.Exists(path) || Directory.Exists(path))
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{path}' already exists; a key file is never overwritten.");
            using var key = PrincipalKey.Create();
            key.Save(path);
            Console.Out.WriteLine(key.Did);
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var file = new Option<string>("--file") { Description = $"The key file; './{PrincipalKey.DefaultFileName}' when not given." };
        var command = new Command("show", "Print the did:key of a key file.") { file };
        command.SetAction(result =>
        {
            string path = result.GetValue(file) ?? PrincipalKey.DefaultFileName;
            if (!File.Exists(path)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{path}' is not a key file (it does not exist).");
            using var key = PrincipalKey.Load(path);
            Console.Out.WriteLine(key.Did);
            return 0;
        });
        return command;
    }
}
