"""Executes a notebook on a Jupyter kernel and keeps every output in its own cell, also the ones that arrive late.

Jupyter kernels should publish all of a request's output before its `status: idle` message; Deno's kernel only
waits 5 ms for its stdout and display channels to flush, so on a busy machine a cell's last lines or figures can
arrive after its idle message. Worse, Deno stamps a stdout message with the request that is current when the
message is *sent*, not when it was printed: a late line of cell N arrives stamped as cell N+1's (CI lost "second
line of 8" this way). nbclient reads only the current cell's messages, so it drops the first kind and puts the
second in the wrong cell.

This client routes every message stamped with an earlier cell to that cell, whenever it arrives, and after each
code cell it runs a fence: a request that writes a marker to both channels (stdout and display). Both channels are
first-in first-out, so once both markers are back every output of the cell is too, and any output stamped with
the fence other than its markers was printed by the cell: it goes to the cell. Only then does the next cell start.

The caller writes OUTPUT to a temp path and renames it. Usage: python3 execute.py NOTEBOOK OUTPUT [--timeout SECONDS] [--kernel NAME]
"""

import argparse
import asyncio
import os
import sys
import time
import uuid

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

FENCE_SECONDS = 300


class RoutingClient(NotebookClient):
    """A NotebookClient that routes late messages to their own cell and fences each code cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.routes = {}

    def route(self, msg):
        """Processes a message for an earlier cell; returns True when it belonged to one."""
        target = self.routes.get(msg["parent_header"].get("msg_id"))
        if target is None:
            return False
        try:
            self.process_message(msg, *target)
        except CellExecutionComplete:
            pass
        return True

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.routes[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.route(msg)

    async def fence(self, cell, cell_index):
        """Runs the fence request after a code cell; its strays go to the cell, until both of its markers are back."""
        marker = f"davidnet-fence-{uuid.uuid4()}"
        code = (
            f'console.log("{marker}");\n'
            f'await Deno.jupyter.display({{ [Symbol.for("Jupyter.display")]: () => ({{ "text/plain": "{marker}" }}) }});'
        )
        fence_id = await ensure_async(self.kc.execute(code, store_history=False))
        seen = set()
        deadline = time.monotonic() + FENCE_SECONDS
        while seen != {"stream", "display_data"}:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"the kernel did not echo the output fence within {FENCE_SECONDS} s")
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
            if msg["parent_header"].get("msg_id") != fence_id:
                self.route(msg)
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                raise RuntimeError(f"the output fence failed: {content.get('evalue')}")
            if kind == "stream":
                lines = content.get("text", "").splitlines(keepends=True)
                stray = "".join(line for line in lines if marker not in line)
                if len(stray) < len(content.get("text", "")):
                    seen.add("stream")
                if stray:
                    self.process_message({**msg, "content": {**content, "text": stray}}, cell, cell_index)
            elif kind == "display_data":
                if marker in str(content.get("data", {})):
                    seen.add("display_data")
                else:
                    self.process_message(msg, cell, cell_index)

    async def async_execute(self, reset_kc=False, **kwargs):
        if reset_kc and self.owns_km:
            await self._async_cleanup_kernel()
        self.reset_execution_trackers()
        async with self.async_setup_kernel(**kwargs):
            msg_id = await ensure_async(self.kc.kernel_info())
            info = await self.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
                if cell.cell_type == "code" and cell.source.strip():
                    await self.fence(cell, index)
            self.set_widgets_metadata()
        return self.nb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a cell may run")
    parser.add_argument("--kernel", default="deno")
    args = parser.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    cwd = os.path.dirname(os.path.abspath(args.notebook))
    client = RoutingClient(
        nb, timeout=args.timeout, kernel_name=args.kernel, iopub_timeout=10, resources={"metadata": {"path": cwd}}
    )
    asyncio.run(client.async_execute())
    nbformat.write(nb, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
