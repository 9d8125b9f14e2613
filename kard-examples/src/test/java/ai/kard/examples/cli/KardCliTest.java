package ai.kard.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class KardCliTest {

    @Test
    void unknownCommandIsBadInput() {
        StringWriter err = new StringWriter();
        int code = KardCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "no-such-command");
        assertThat(code).isEqualTo(KardCli.BAD_INPUT);
        assertThat(err.toString()).contains("no-such-command");
    }

    @Test
    void helpSucceeds() {
        StringWriter out = new StringWriter();
        int code = KardCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--help");
        assertThat(code).isEqualTo(KardCli.OK);
        assertThat(out.toString()).contains("Usage: kard");
    }
}
