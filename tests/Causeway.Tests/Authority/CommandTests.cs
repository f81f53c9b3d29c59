using Causeway.Authority;
using Causeway.Errors;

namespace Causeway.Tests.Authority;

/// <summary>UCAN commands prove by whole segments, and only well-formed commands are taken.</summary>
public sealed class CommandTests
{
    [Theory]
    [InlineData("/doc", "/doc/write", true)]
    [InlineData("/doc", "/doc", true)]
    [InlineData("/doc", "/doc/write/all", true)]
    [InlineData("/doc", "/docx", false)]
    [InlineData("/doc/write", "/doc", false)]
    [InlineData("/doc/write", "/doc/read", false)]
    [InlineData("/", "/doc/write", true)]
    [InlineData("/", "/", true)]
    [InlineData("/doc", "/", false)]
    public void A_command_proves_the_commands_under_it_by_whole_segments(string proof, string command, bool proves) =>
        Assert.Equal(proves, Command.Proves(proof, command));

    [Theory]
    [InlineData("/")]
    [InlineData("/doc")]
    [InlineData("/doc/write")]
    [InlineData("/crud/read-all_2")]
    public void Well_formed_commands_are_valid(string command) => Assert.True(Command.IsValid(command));

    [Theory]
    [InlineData("")]
    [InlineData("doc")]
    [InlineData("/doc/")]
    [InlineData("//")]
    [InlineData("/doc//write")]
    [InlineData("/Doc")]
    [InlineData("/doc/Write")]
    [InlineData("/doc write")]
    public void Malformed_commands_are_refused(string command)
    {
        Assert.False(Command.IsValid(command));
        Assert.Throws<InvalidInputException>(() => Command.Validate(command));
        Assert.Throws<InvalidInputException>(() => Command.Proves("/", command));
        Assert.Throws<InvalidInputException>(() => Command.Proves(command, "/doc"));
    }
}
