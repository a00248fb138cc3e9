"""``onemap install-units``: write the systemd units (see :mod:`onemap.units`)."""

from __future__ import annotations

from pathlib import Path

import click

from onemap.units import DEFAULT_DIR, ENV_FILE, install_units, onemap_executable, render_units


@click.command("install-units")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="写入目录 / where to write the unit files.",
)
@click.option("--user", default="onemap", show_default=True, help="运行用户 / the user to run as.")
@click.option("--host", default="127.0.0.1", show_default=True, help="web bind address.")
@click.option("--port", default=5000, show_default=True, type=int, help="web port.")
@click.option("--hj212-host", default="127.0.0.1", show_default=True, help="listener address.")
@click.option("--hj212-port", default=8212, show_default=True, type=int, help="listener port.")
@click.option(
    "--external-db",
    is_flag=True,
    help="不安装 onemap-db.service / no own cluster: ONEMAP_DATABASE_URL in " + ENV_FILE,
)
def install_units_command(
    directory: Path, user: str, host: str, port: int, hj212_host: str, hj212_port: int,
    external_db: bool,
) -> None:  # fmt: skip
    """安装 systemd 单元 / write the systemd units of the server, the HJ 212 listener, the
    hourly judgement and (unless --external-db) the own PostGIS cluster."""
    units = render_units(
        onemap_executable(), user=user, host=host, port=port, hj212_host=hj212_host,
        hj212_port=hj212_port, external_db=external_db,
    )  # fmt: skip
    try:
        written = install_units(directory, units)
    except PermissionError:
        raise click.UsageError(
            f"无权写入 {directory} / cannot write to {directory}: run as root or give --to DIR"
        ) from None
    for path in written:
        click.echo(f"wrote {path}")
    # the oneshot services run from their timers
    timed = {"onemap-quality.service", "onemap-reports.service"}
    enable = " ".join(n for n in sorted(units) if n not in timed)
    click.echo(f"next: systemctl daemon-reload && systemctl enable --now {enable}")
