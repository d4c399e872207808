from django_tasks import task

from balise.observatory import services


@task()
def assemble_release_task(assembly_id: str) -> dict[str, str]:
    """Assemble a requested release in the background (progress on the assembly)."""
    assembly = services.run_release_assembly(assembly_id)
    if assembly is None:
        return {"status": "missing"}
    return {"status": assembly.status, "error": assembly.error}


@task()
def refresh_projection_task() -> dict[str, int]:
    """Periodic rebuild of the pseudonymised projection (no identifying data leaves it)."""
    refresh = services.refresh_projection(actor=None)
    return {"rows": refresh.rows}


@task()
def prune_cell_keys_task() -> dict[str, int]:
    """Periodic: the cell keys of persons purged by the retention rule are deleted."""
    return {"deleted": services.prune_cell_keys(actor=None)}


@task()
def fail_stale_assemblies_task() -> dict[str, int]:
    """Periodic sweep: assemblies whose worker stopped are failed (statisticians see why and
    can ask again), instead of showing progress forever."""
    return {"failed": services.fail_stale_assemblies()}
