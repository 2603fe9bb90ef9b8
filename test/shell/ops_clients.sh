# The clients BI tools use, connecting as a login role that holds the
# reporting role: psqlODBC under unixODBC (isql), with a driver and a data
# source named in files of this test's own, and the PostgreSQL JDBC driver,
# from a few lines of Java compiled here.  Each lists the published tables
# through the driver's metadata and reads rows whose values are known.
. "$(dirname "$0")/tap.bash"
plan 10

db=ops_clients
reader=ops_test_bi
password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
work=$(mktemp -d)

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$MO_ROOT/test/shell/ops_data.sql"
q "SELECT count(*) FROM mo_usage.run_pipeline()" -d "$db" >/dev/null
q "CREATE ROLE $reader LOGIN PASSWORD '$password' IN ROLE mo_usage_reader"

cleanup() {
    dropdb --if-exists "$db"
    q "DROP ROLE IF EXISTS $reader" >/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# What the figures are, from the delivery (see ops_data.sql).
key_figures='users|30
population|100
pct_using|30.00
visits|30
visits_per_user|1.00
pct_users_one_visit|100.00
mean_visit_seconds|100.0
mean_pages_per_visit|2.00
seconds_per_page|100.0'
published=$(q "SELECT relname FROM pg_class
               WHERE relnamespace = 'mo_pub'::regnamespace
                 AND relkind IN ('v', 'm') ORDER BY 1" -d "$db")

# psqlODBC: the driver as Debian installs it, in a driver file and a data
# source file of this test (unixODBC reads both from ODBCSYSINI).
driver=$(dpkg -L odbc-postgresql | grep '/psqlodbcw\.so$' | head -1)
cat >"$work/odbcinst.ini" <<EOF
[PostgreSQL Unicode]
Description = PostgreSQL ODBC driver (Unicode)
Driver = $driver
EOF
cat >"$work/odbc.ini" <<EOF
[mo_usage]
Description = mo_usage published tables
Driver = PostgreSQL Unicode
Servername = ${PGHOST:-localhost}
Port = ${PGPORT:-5432}
Database = $db
EOF
# odbc [isql option]: run the SQL on stdin through the data source
odbc() {
    ODBCSYSINI=$work ODBCINI=$work/odbc.ini \
        isql -b -d'|' "$@" mo_usage "$reader" "$password" 2>&1
}

# isql's "help" lists tables with SQLTables: catalog|schema|name|type|remarks
is "$(echo help | odbc | awk -F'|' '$2 == "mo_pub" && ($4 == "VIEW" || $4 == "MATVIEW") { print $3 }' | sort)" \
   "$(sort <<<"$published")" \
   "ODBC: SQLTables lists the published views and materialized views"
is "$(echo 'SELECT measure, value FROM mo_pub.key_figures ORDER BY sort_key' | odbc)" \
   "$key_figures" "ODBC: the key figures read as known"
is "$(echo 'SELECT sex, users, population, pct_using FROM mo_pub.users_by_sex ORDER BY sort_key' | odbc)" \
   "man|15|50|30.00
vrouw|15|50|30.00
totaal|30|100|30.00" "ODBC: users by sex read as known"
echo 'SELECT count(*) FROM mo_micro.visit' | odbc -v |
    grep -q '\[42501\].*permission denied for schema mo_micro'
ok $? "ODBC: the microdata are refused"

# pgJDBC: the driver as Debian installs it.
mkdir -p "$work/java"
cat >"$work/java/Published.java" <<'EOF'
import java.sql.*;

/* Lists the published views with their comments, the comments of one
 * view's columns, and that view's rows: args url, user, password, view. */
public class Published {
    public static void main(String[] args) throws SQLException {
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2])) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet r = md.getTables(null, "mo_pub", "%",
                    new String[] {"VIEW", "MATERIALIZED VIEW"})) {
                while (r.next())
                    System.out.println("table|" + r.getString("TABLE_NAME") + "|"
                                       + r.getString("REMARKS"));
            }
            try (ResultSet r = md.getColumns(null, "mo_pub", args[3], "%")) {
                while (r.next())
                    System.out.println("column|" + r.getString("COLUMN_NAME") + "|"
                                       + r.getString("REMARKS"));
            }
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT measure, value FROM mo_pub."
                                              + args[3] + " ORDER BY sort_key")) {
                while (r.next())
                    System.out.println(r.getString(1) + "|" + r.getBigDecimal(2));
            }
        }
    }
}
EOF
javac -d "$work/java" "$work/java/Published.java"
ok $? "JDBC: the client compiles against the driver's API"
jdbc=$(java -cp "$work/java:/usr/share/java/postgresql.jar" Published \
       "jdbc:postgresql://${PGHOST:-localhost}:${PGPORT:-5432}/$db" \
       "$reader" "$password" key_figures 2>&1)
ok $? "JDBC: it connects as the reporting role and runs"
is "$(grep '^table|' <<<"$jdbc" | sort)" \
   "$(q "SELECT 'table|' || relname || '|' || obj_description(oid, 'pg_class')
         FROM pg_class WHERE relnamespace = 'mo_pub'::regnamespace
           AND relkind IN ('v', 'm')" -d "$db" | sort)" \
   "JDBC: getTables lists every published view with its comment as REMARKS"
grep -q '^table|key_figures|the figures of the study' <<<"$jdbc"
ok $? "JDBC: among them key_figures and what it holds"
is "$(grep '^column|' <<<"$jdbc")" \
   "$(q "SELECT 'column|' || attname || '|' || col_description(attrelid, attnum)
         FROM pg_attribute WHERE attrelid = 'mo_pub.key_figures'::regclass
           AND attnum > 0 ORDER BY attnum" -d "$db")" \
   "JDBC: getColumns gives each column's comment as REMARKS"
is "$(grep -v '^\(table\|column\)|' <<<"$jdbc")" "$key_figures" \
   "JDBC: the key figures read as known"
