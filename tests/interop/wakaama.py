"""Eclipse Wakaama's example client as a process the tests drive through stdin/stdout.

    client = WakaamaClient(binaries.wakaama_udp, endpoint="wk-1", server=("127.0.0.1", port))
    await client.start()
    output = await client.command("change /3/0/9 42")   # returns once the prompt is back
    await client.expect(r"value changed!")               # or wait for any output
    await client.quit()

Standard output and error go into one pipe, read as they come; every wait is for
output (or, in the tests, for the server's events), never for time. The client's
stdout is line-buffered through coreutils' ``stdbuf`` when it is there, so lines show
up as they are printed. Stdin stays open: at end of file the client would spin.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

PROMPT = re.compile(r"\r?\n> ")
DEFAULT_WAIT = 15.0
SHORT_SERVER_ID = 123  # the example client's server account, unless bootstrapped otherwise
_TAIL = 3000


@dataclass(frozen=True, slots=True)
class Psk:
    identity: str
    key: bytes


class WakaamaError(AssertionError):
    """The client did not print what a test waited for (the output's tail is attached)."""


class WakaamaClient:
    """One ``lwm2mclient`` process (``lwm2mclient_tinydtls`` with ``psk``).

    ``server`` is the LwM2M server, or the bootstrap server with ``bootstrap``.
    """

    def __init__(
        self,
        binary: Path,
        *,
        endpoint: str,
        server: tuple[str, int],
        local_port: int,
        psk: Psk | None = None,
        bootstrap: bool = False,
        lifetime: int | None = None,
    ) -> None:
        self.binary = binary
        self.endpoint = endpoint
        self.server = server
        self.local_port = local_port
        self.psk = psk
        self.bootstrap = bootstrap
        self.lifetime = lifetime
        self.output = ""
        self._cursor = 0
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._grown = asyncio.Event()
        self._closed = False

    def argv(self) -> list[str]:
        host, port = self.server
        argv = [str(self.binary), "-4", "-h", host, "-p", str(port)]
        argv += ["-n", self.endpoint, "-l", str(self.local_port)]
        if self.lifetime is not None:
            argv += ["-t", str(self.lifetime)]
        if self.bootstrap:
            argv.append("-b")
        if self.psk is not None:
            argv += ["-i", self.psk.identity, "-s", self.psk.key.hex()]
        stdbuf = shutil.which("stdbuf")
        return [stdbuf, "-oL", *argv] if stdbuf else argv

    async def start(self) -> None:
        """Start the process and wait until its command line is ready."""
        self._process = await asyncio.create_subprocess_exec(
            *self.argv(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.get_running_loop().create_task(self._read())
        await self.expect(rf'LWM2M Client "{re.escape(self.endpoint)}" started')

    def _started(self) -> asyncio.subprocess.Process:
        if self._process is None:
            raise RuntimeError("the client is not started")
        return self._process

    async def _type(self, line: str) -> None:
        stdin = self._started().stdin
        assert stdin is not None
        stdin.write(line.encode() + b"\n")
        await stdin.drain()

    async def _read(self) -> None:
        stream = self._started().stdout
        assert stream is not None
        while chunk := await stream.read(65536):
            self.output += chunk.decode("utf-8", "replace")
            self._grown.set()
        self._closed = True
        self._grown.set()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def mark(self) -> int:
        """The current end of the output: ``expect(..., since=mark)`` looks only after it."""
        return len(self.output)

    async def expect(
        self,
        pattern: str | re.Pattern[str],
        *,
        since: int | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> re.Match[str]:
        """The first match of ``pattern`` in the output after ``since`` (default: after
        the previous match), waiting for it to be printed."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        start = self._cursor if since is None else since
        try:
            async with asyncio.timeout(wait):
                while True:
                    match = regex.search(self.output, start)
                    if match is not None:
                        self._cursor = match.end()
                        return match
                    if self._closed:
                        raise WakaamaError(
                            f"{self.endpoint} exited before printing {regex.pattern!r}"
                            f"{self._tail(start)}"
                        )
                    self._grown.clear()
                    await self._grown.wait()
        except TimeoutError:
            raise WakaamaError(
                f"{self.endpoint} printed no {regex.pattern!r} in {wait} s{self._tail(start)}"
            ) from None

    async def command(self, line: str, *, wait: float = DEFAULT_WAIT) -> str:
        """Type ``line``; returns what the client printed until its prompt came back."""
        start = self.mark()
        await self._type(line)
        prompt = await self.expect(PROMPT, since=start, wait=wait)
        return self.output[start : prompt.start()]

    async def quit(self, *, wait: float = DEFAULT_WAIT) -> int:
        """``quit``: the client deregisters and exits; returns its exit status."""
        await self._type("quit")
        async with asyncio.timeout(wait):
            return await self._started().wait()

    async def stop(self) -> None:
        """End the process whatever its state (for teardown)."""
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if process is not None and process.stdin is not None:
            process.stdin.close()

    def _tail(self, start: int) -> str:
        return "\n--- output since the wait began (tail) ---\n" + self.output[start:][-_TAIL:]
